package org.aepdsm.dsm.multi;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import org.aepdsm.api.AepException;
import org.aepdsm.api.dsm.PageState;
import org.aepdsm.api.dsm.TaskInfo;
import org.aepdsm.dsm.cluster.ClusterConfig;
import org.aepdsm.dsm.coherence.DsmNode;
import org.aepdsm.dsm.coherence.Region;
import org.aepdsm.dsm.task.CounterTask;

/**
 * One DSM node in its own JVM, driven over stdin: one command per line, one reply line per command,
 * prefixed {@code >>OK } or {@code >>ERR <errno> } (other output, such as JGroups' banner, is noise).
 *
 * <pre>
 *   args: cluster nodeId port port,port,port
 *   members | region name size | get name off | put name off value | add name off delta
 *   state name page | adds name off count threads | workload name pages ops seed file
 *   counter region steps hop n,n,n | task id | exit
 * </pre>
 */
public final class NodeMain {
    private NodeMain() {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> ports = Arrays.stream(args[3].split(",")).map(Integer::parseInt).toList();
        int id = Integer.parseInt(args[1]);
        DsmNode node = DsmNode.join(ClusterConfig.tcp(args[0], id, Integer.parseInt(args[2]), ports));
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        out.println(">>OK ready " + id);
        for (String line; (line = in.readLine()) != null;) {
            String[] w = line.trim().split("\\s+");
            if (w[0].equals("exit")) {
                break;
            }
            try {
                out.println(">>OK " + run(node, w));
            } catch (AepException e) {
                out.println(">>ERR " + e.errno() + " " + e.getMessage().replace('\n', ' '));
            } catch (RuntimeException e) {
                out.println(">>ERR EXC " + e.toString().replace('\n', ' '));
            }
        }
        node.close();
        System.exit(0);
    }

    private static String run(DsmNode node, String[] w) throws Exception {
        return switch (w[0]) {
            case "members" -> node.liveNodes().stream().map(String::valueOf).collect(Collectors.joining(","));
            case "region" -> String.valueOf(node.openRegion(w[1], Long.parseLong(w[2])).origin());
            case "get" -> String.valueOf(node.openRegion(w[1], 0).getLong(Long.parseLong(w[2])));
            case "put" -> {
                node.openRegion(w[1], 0).putLong(Long.parseLong(w[2]), Long.parseLong(w[3]));
                yield "";
            }
            case "add" -> String.valueOf(node.openRegion(w[1], 0).addAndGet(Long.parseLong(w[2]), Long.parseLong(w[3])));
            case "state" -> {
                PageState s = node.openRegion(w[1], 0).pageState(Long.parseLong(w[2]));
                yield s.owners().stream().sorted().map(String::valueOf).collect(Collectors.joining(",")) + ";"
                        + s.writer() + ";" + s.lost();
            }
            case "adds" -> adds(node.openRegion(w[1], 0), Long.parseLong(w[2]), Integer.parseInt(w[3]),
                    Integer.parseInt(w[4]));
            case "workload" -> workload(node, node.openRegion(w[1], 0), Integer.parseInt(w[2]), Integer.parseInt(w[3]),
                    Long.parseLong(w[4]), Path.of(w[5]));
            case "counter" -> String.valueOf(node.start(CounterTask.class, CounterTask.initialState(w[1], 0,
                    Integer.parseInt(w[2]), Integer.parseInt(w[3]),
                    Arrays.stream(w[4].split(",")).map(Integer::parseInt).toList()), node.localNode()));
            case "task" -> {
                long task = Long.parseLong(w[1]);
                TaskInfo t = node.tasks().stream().filter(i -> i.id() == task).findFirst().orElse(null);
                yield t == null ? "unknown" : t.node() + ";" + t.migrations() + ";" + t.done();
            }
            default -> throw new IllegalArgumentException("unknown command " + w[0]);
        };
    }

    private static String adds(Region r, long offset, int count, int threads) throws InterruptedException {
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            all.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < count; i++) {
                    r.addAndGet(offset, 1);
                }
            }));
        }
        for (Thread t : all) {
            t.join();
        }
        return "";
    }

    /**
     * Two threads pick random pages; a quarter of the operations write a value unique to (node, thread,
     * seq) at the page's first long, the rest read it. Each operation is logged with its start and end
     * times (CLOCK_MONOTONIC, shared by all processes of the machine): {@code R|W page value start end}.
     */
    private static String workload(DsmNode node, Region r, int pages, int ops, long seed, Path file)
            throws InterruptedException, IOException {
        List<List<String>> logs = new ArrayList<>();
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            List<String> log = new ArrayList<>();
            logs.add(log);
            int thread = t;
            SplittableRandom random = new SplittableRandom(seed * 31 + node.localNode() * 7 + t);
            all.add(Thread.ofPlatform().start(() -> {
                for (int i = 1; i <= ops; i++) {
                    int page = random.nextInt(pages);
                    long off = page * 4096L;
                    if (random.nextInt(4) == 0) {
                        long value = ((long) node.localNode() << 40) | ((long) thread << 32) | i;
                        long s = System.nanoTime();
                        r.putLong(off, value);
                        log.add("W " + page + " " + value + " " + s + " " + System.nanoTime());
                    } else {
                        long s = System.nanoTime();
                        long value = r.getLong(off);
                        log.add("R " + page + " " + value + " " + s + " " + System.nanoTime());
                    }
                }
            }));
        }
        for (Thread t : all) {
            t.join();
        }
        List<String> lines = new ArrayList<>();
        logs.forEach(lines::addAll);
        Files.write(file, lines);
        return String.valueOf(lines.size());
    }
}

package org.aepdsm.dsm.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.aepdsm.api.dsm.TaskInfo;
import org.aepdsm.dsm.cluster.ClusterConfig;
import org.aepdsm.dsm.coherence.DsmNode;
import org.aepdsm.dsm.coherence.Region;
import org.aepdsm.dsm.task.CounterTask;

/**
 * The DSM benchmark. Starts three private nodes in this JVM, joined over TCP on 127.0.0.1 (real sockets,
 * the same stack as separate JVMs), and measures, in one run:
 *
 * <pre>
 *   peers      local long load from a MemorySegment; a ping-pong over a java.net.Socket on loopback with
 *              a read fault's frame sizes and the call links' socket options
 *   faults     remote read fault (origin holds the page), read fault of a page a third node holds
 *              (relayed by the origin), write fault with data (its only holder's copy, relayed by the
 *              origin), write upgrade (grant without data, 2 copies invalidated)
 *   throughput mixed random reads/writes (90/10) on 64 pages, and a shared addAndGet counter,
 *              with 1, 2 and 3 nodes active
 *   tasks      CounterTask steps without migration vs. with a migration every 50 steps
 * </pre>
 *
 * Prints a table with each figure's ratio to the TCP round trip and to the local load. Latencies are
 * given as the mean and, because the machine may be shared with other work, also as the median (p50) of
 * the timed rounds, with its ratio to the TCP round trip's median. Not a test; no thresholds. Not thread-safe: one run at a time per instance.
 */
public final class DsmBench {
    /**
     * @param latencyRounds  timed rounds per latency figure
     * @param throughputOps  operations per node per throughput figure
     * @param taskSteps      steps of each CounterTask run
     */
    public record Settings(int latencyRounds, int throughputOps, int taskSteps) {
        public static Settings defaults() {
            return new Settings(2000, 20_000, 2000);
        }
    }

    private record Row(String name, double value, String unit, String note, double medianUs) {
        Row(String name, double value, String unit, String note) {
            this(name, value, unit, note, Double.NaN);
        }
    }

    /** A latency row from per-round samples in nanoseconds: mean and median in microseconds. */
    private static Row latency(String name, long[] samples, String note) {
        long[] sorted = samples.clone();
        java.util.Arrays.sort(sorted);
        double mean = java.util.Arrays.stream(samples).average().orElse(Double.NaN);
        return new Row(name, mean / 1000, "us", note, sorted[sorted.length / 2] / 1000.0);
    }

    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final String FAULTS = "bench-faults";
    private static final int FAULT_PAGES = 4;
    private final Settings settings;
    private final List<Row> rows = new ArrayList<>();

    public DsmBench(Settings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) {
        Settings s = Settings.defaults();
        if (args.length == 3) {
            s = new Settings(Integer.parseInt(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        }
        System.out.print(new DsmBench(s).run());
    }

    /** Runs every measurement and returns the table. */
    public String run() {
        rows.clear();
        double local = localLoad();
        Row tcp = tcpRoundTrip();
        List<DsmNode> nodes = startNodes();
        try {
            faults(nodes);
            throughput(nodes);
            tasks(nodes);
        } finally {
            for (DsmNode n : nodes) {
                n.close();
            }
        }
        return table(local, tcp);
    }

    private double localLoad() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(1 << 20, 4096);
            int n = 5_000_000;
            long sum = 0;
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < n; i++) {
                    sum += seg.get(ValueLayout.JAVA_LONG, ((long) i * 64) & ((1 << 20) - 8));
                }
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sum += seg.get(ValueLayout.JAVA_LONG, ((long) i * 64) & ((1 << 20) - 8));
            }
            double ns = (System.nanoTime() - t0) / (double) n;
            rows.add(new Row("local MemorySegment long load", ns, "ns", "peer (checksum " + (sum & 1) + ")"));
            return ns;
        }
    }

    /**
     * The peer of a read fault: one request and one answer over a java.net.Socket on loopback, with what
     * the DSM's call links use (TCP_NODELAY at both ends, buffered streams, a length before each frame)
     * and the sizes of a read fault's frames (the PAGE_REQUEST for page 0 of the benchmark region, and
     * the answer carrying its 4 KiB), answered by a thread that reads and writes at once.
     */
    private Row tcpRoundTrip() {
        byte[] request = Region.pageRequest(1, FAULTS, FAULT_PAGES * 4096L, 0, false);
        byte[] answer = Region.pageAnswer(1, 1, new byte[4096], 0);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 1, loopback)) {
            Thread echo = Thread.ofPlatform().daemon().start(() -> {
                try (Socket s = server.accept()) {
                    s.setTcpNoDelay(true);
                    DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
                    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(),
                            1 << 16));
                    byte[] buf = new byte[request.length];
                    for (;;) {
                        in.readFully(buf, 0, in.readInt());
                        out.writeInt(answer.length);
                        out.write(answer);
                        out.flush();
                    }
                } catch (IOException end) {
                    // the client closed: the echo is over
                }
            });
            long[] samples = new long[settings.latencyRounds()];
            try (Socket c = new Socket(loopback, server.getLocalPort())) {
                c.setTcpNoDelay(true);
                DataInputStream in = new DataInputStream(new BufferedInputStream(c.getInputStream(), 1 << 16));
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(c.getOutputStream(), 1 << 16));
                byte[] buf = new byte[answer.length];
                // warmed up like the faults: the last of three rounds counts
                for (int round = 0; round < 3; round++) {
                    for (int i = 0; i < samples.length; i++) {
                        long t0 = System.nanoTime();
                        out.writeInt(request.length);
                        out.write(request);
                        out.flush();
                        in.readFully(buf, 0, in.readInt());
                        samples[i] = System.nanoTime() - t0;
                    }
                }
            }
            echo.join(2000);
            Row row = latency("TCP loopback round trip, fault-sized frames", samples, "peer (java.net.Socket, "
                    + request.length + " B request, " + answer.length + " B answer)");
            rows.add(row);
            return row;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("TCP loopback peer failed: " + e, e);
        }
    }

    private List<DsmNode> startNodes() {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                ports.add(s.getLocalPort());
            } catch (IOException e) {
                throw new IllegalStateException("no free loopback port: " + e, e);
            }
        }
        String cluster = "dsm-bench-" + ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet();
        List<DsmNode> nodes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            nodes.add(DsmNode.join(ClusterConfig.tcp(cluster, i + 1, ports.get(i), ports)));
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        for (DsmNode n : nodes) {
            while (n.liveNodes().size() < 3) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("bench nodes did not form a cluster: " + n.liveNodes());
                }
                pause();
            }
        }
        return nodes;
    }

    private void faults(List<DsmNode> nodes) {
        Region a = nodes.get(0).openRegion(FAULTS, FAULT_PAGES * 4096L);
        Region b = nodes.get(1).openRegion(FAULTS, 0);
        Region c = nodes.get(2).openRegion(FAULTS, 0);
        int n = settings.latencyRounds();
        // three rounds of every fault kind in turn, the last one counts: the first two warm up (compile)
        // every path before any figure is taken
        long[][] samples = new long[4][n];
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < n; i++) {
                a.putLong(0, i);
                long t0 = System.nanoTime();
                b.getLong(0);
                samples[0][i] = System.nanoTime() - t0;
            }
            for (int i = 0; i < n; i++) {
                c.putLong(4096, i);
                long t0 = System.nanoTime();
                b.getLong(4096);
                samples[1][i] = System.nanoTime() - t0;
            }
            for (int i = 0; i < n; i++) {
                c.putLong(2 * 4096, i);
                long t0 = System.nanoTime();
                b.putLong(2 * 4096, i);
                samples[2][i] = System.nanoTime() - t0;
            }
            for (int i = 0; i < n; i++) {
                a.putLong(3 * 4096, i);
                b.getLong(3 * 4096);
                c.getLong(3 * 4096);
                long t0 = System.nanoTime();
                b.putLong(3 * 4096, i);
                samples[3][i] = System.nanoTime() - t0;
            }
        }
        rows.add(latency("read fault, origin holds the page", samples[0], "B -> origin A -> B"));
        rows.add(latency("read fault, a third node holds it", samples[1], "B -> A -> C -> A -> B, A keeps a copy"));
        rows.add(latency("write fault with data", samples[2], "B -> A -> C -> A -> B, C's copy dropped"));
        rows.add(latency("write-invalidate (grant without data)", samples[3], "copies on A and C invalidated"));

        long localHits = 0;
        int m = n * 100;
        a.putLong(0, 1);
        for (int round = 0; round < 2; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < m; i++) {
                localHits += a.getLong(0);
            }
            if (round == 1) {
                rows.add(new Row("DSM getLong, page valid here", (System.nanoTime() - t0) / (double) m, "ns",
                        "state check + stripe lock (sum " + (localHits & 1) + ")"));
            }
        }
    }

    private void throughput(List<DsmNode> nodes) {
        String name = "bench-tput";
        nodes.get(0).openRegion(name, 64 * 4096);
        // warm-up: compile the fault paths before the 1-node figures are taken
        run(nodes, name, false);
        run(nodes, name, true);
        for (int k = 1; k <= 3; k++) {
            double mixed = run(nodes.subList(0, k), name, false);
            rows.add(new Row("mixed 90/10 ops on 64 pages, " + k + " node" + (k > 1 ? "s" : ""), mixed / 1000, "kops/s",
                    "2 threads per node"));
        }
        for (int k = 1; k <= 3; k++) {
            double counter = run(nodes.subList(0, k), name, true);
            rows.add(new Row("shared addAndGet counter, " + k + " node" + (k > 1 ? "s" : ""), counter / 1000,
                    "kops/s", "one page moves between writers"));
        }
    }

    /** Operations per second of {@code active} nodes running 2 threads each. */
    private double run(List<DsmNode> active, String name, boolean counter) {
        int threads = 2;
        int ops = settings.throughputOps() / threads;
        ExecutorService pool = Executors.newFixedThreadPool(active.size() * threads);
        try {
            List<Future<?>> work = new ArrayList<>();
            long t0 = System.nanoTime();
            int seed = 0;
            for (DsmNode node : active) {
                Region r = node.openRegion(name, 0);
                for (int t = 0; t < threads; t++) {
                    SplittableRandom random = new SplittableRandom(42 + seed++);
                    work.add(pool.submit(() -> {
                        for (int i = 0; i < ops; i++) {
                            if (counter) {
                                r.addAndGet(0, 1);
                            } else {
                                long off = random.nextInt(64) * 4096L + 8 * random.nextInt(512);
                                if (random.nextInt(10) == 0) {
                                    r.putLong(off, i);
                                } else {
                                    r.getLong(off);
                                }
                            }
                        }
                    }));
                }
            }
            for (Future<?> f : work) {
                f.get();
            }
            return (double) active.size() * threads * ops / ((System.nanoTime() - t0) / 1e9);
        } catch (Exception e) {
            throw new IllegalStateException("throughput run failed: " + e, e);
        } finally {
            pool.shutdown();
        }
    }

    private void tasks(List<DsmNode> nodes) {
        nodes.get(0).openRegion("bench-tasks", 4096);
        int steps = settings.taskSteps();
        double still = taskRun(nodes, CounterTask.initialState("bench-tasks", 0, steps, steps, List.of(1)));
        double moving = taskRun(nodes, CounterTask.initialState("bench-tasks", 64, steps, 50, List.of(1, 2, 3)));
        rows.add(new Row("CounterTask step, staying on node 1", still / 1000, "us", steps + " steps"));
        rows.add(new Row("CounterTask step, migrating every 50", moving / 1000, "us", "slowdown x"
                + String.format("%.2f", moving / still)));
    }

    private static double taskRun(List<DsmNode> nodes, byte[] state) {
        DsmNode origin = nodes.get(0);
        long t0 = System.nanoTime();
        long id = origin.start(CounterTask.class, state, 1);
        long deadline = System.nanoTime() + 120_000_000_000L;
        for (;;) {
            TaskInfo info = origin.tasks().stream().filter(t -> t.id() == id).findFirst().orElse(null);
            if (info != null && info.done()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("task " + id + " did not finish: " + info);
            }
            pause();
        }
        CounterTask task = new CounterTask();
        task.restore(state);
        return (System.nanoTime() - t0) / (double) task.steps();
    }

    private static void pause() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("benchmark interrupted");
        }
    }

    private String table(double localNs, Row tcp) {
        double tcpNs = tcp.value() * 1000;
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-44s %12s %-7s %10s %12s %10s %10s  %s%n", "measurement", "value", "unit",
                "x TCP RTT", "x local load", "p50 us", "p50 x TCP", "note"));
        for (Row r : rows) {
            double ns = switch (r.unit()) {
                case "ns" -> r.value();
                case "us" -> r.value() * 1000;
                default -> Double.NaN;
            };
            String vsTcp = Double.isNaN(ns) ? "" : String.format("%.2f", ns / tcpNs);
            String vsLocal = Double.isNaN(ns) ? "" : String.format("%.0f", ns / localNs);
            String p50 = Double.isNaN(r.medianUs()) ? "" : String.format("%.1f", r.medianUs());
            String p50VsTcp = Double.isNaN(r.medianUs()) ? "" : String.format("%.2f", r.medianUs() / tcp.medianUs());
            out.append(String.format("%-44s %12.3f %-7s %10s %12s %10s %10s  %s%n", r.name(), r.value(), r.unit(),
                    vsTcp, vsLocal, p50, p50VsTcp, r.note()));
        }
        return out.toString();
    }
}

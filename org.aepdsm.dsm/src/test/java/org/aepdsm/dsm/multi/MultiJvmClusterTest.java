package org.aepdsm.dsm.multi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.aepdsm.dsm.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three node JVMs on 127.0.0.1 (TCP + TCPPING): concurrent readers and writers checked for coherence,
 * addAndGet from every node, a CounterTask migrating around all nodes, and a node killed mid-run (the
 * origin of one region, which the survivors take over).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiJvmClusterTest {
    private static final long SEED = 20240611L;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private Path dir;

    @BeforeAll
    void start() throws IOException {
        dir = Files.createDirectories(Path.of("target", "multi-jvm"));
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                ports.add(s.getLocalPort());
            }
        }
        String portList = ports.get(0) + "," + ports.get(1) + "," + ports.get(2);
        String cluster = "dsm-multi-" + ProcessHandle.current().pid();
        for (int i = 0; i < 3; i++) {
            nodes.add(new NodeProcess(cluster, i + 1, ports.get(i), portList, dir));
        }
        for (NodeProcess n : nodes) {
            n.awaitReady(60_000);
        }
        for (NodeProcess n : nodes) {
            Await.until("node " + n.id + " to see 3 members", 30_000, () -> n.ok("members").equals("1,2,3"));
        }
    }

    @AfterAll
    void stop() {
        for (NodeProcess n : nodes) {
            n.close();
        }
    }

    private NodeProcess node(int id) {
        return nodes.get(id - 1);
    }

    @Test
    @Order(1)
    void concurrentReadersAndWritersNeverSeeOverwrittenValues() throws IOException {
        int pages = 4;
        int ops = 300;
        assertEquals("1", node(1).ok("region coherent " + pages * 4096));
        for (NodeProcess n : nodes) {
            n.send("workload coherent " + pages + " " + ops + " " + SEED + " " + dir.resolve("log-" + n.id));
        }
        for (NodeProcess n : nodes) {
            String r = n.take(90_000, "workload");
            assertTrue(r.startsWith("OK"), "node " + n.id + ": " + r);
        }
        List<long[]> events = new ArrayList<>();
        for (NodeProcess n : nodes) {
            for (String line : Files.readAllLines(dir.resolve("log-" + n.id))) {
                String[] f = line.split(" ");
                events.add(new long[] {f[0].equals("W") ? 1 : 0, Long.parseLong(f[1]), Long.parseLong(f[2]),
                        Long.parseLong(f[3]), Long.parseLong(f[4])});
            }
        }
        assertEquals(3 * 2 * ops, events.size());
        checkLinearizable(events, pages);
    }

    /**
     * Per page: every read returns 0 or a value written to that page; that write started before the read
     * ended; and no other write started after it ended and ended before the read started (which would
     * make the value overwritten before the read began).
     */
    private static void checkLinearizable(List<long[]> events, int pages) {
        for (int p = 0; p < pages; p++) {
            Map<Long, long[]> writes = new HashMap<>();
            List<long[]> reads = new ArrayList<>();
            for (long[] e : events) {
                if (e[1] != p) {
                    continue;
                }
                if (e[0] == 1) {
                    writes.put(e[2], e);
                } else {
                    reads.add(e);
                }
            }
            int checked = 0;
            for (long[] r : reads) {
                long v = r[2];
                long[] w = writes.get(v);
                if (v != 0 && w == null) {
                    throw new AssertionError("page " + p + ": read of " + v + " matches no write (seed " + SEED + ")");
                }
                if (w != null && w[3] > r[4]) {
                    throw new AssertionError("page " + p + ": read of " + v + " ended before its write began (seed "
                            + SEED + ")");
                }
                long writeEnd = w == null ? Long.MIN_VALUE : w[4];
                for (long[] other : writes.values()) {
                    if (other != w && other[3] > writeEnd && other[4] < r[3]) {
                        throw new AssertionError("page " + p + ": read [" + r[3] + "," + r[4] + "] returned " + v
                                + ", overwritten by " + other[2] + " [" + other[3] + "," + other[4]
                                + "] before the read started (seed " + SEED + ")");
                    }
                }
                checked++;
            }
            assertEquals(reads.size(), checked);
        }
    }

    @Test
    @Order(2)
    void addAndGetFromEveryNodeEndsAtTheExactTotal() {
        node(2).ok("region sums 8192");
        for (NodeProcess n : nodes) {
            n.send("adds sums 4104 400 2");
        }
        for (NodeProcess n : nodes) {
            String r = n.take(90_000, "adds");
            assertTrue(r.startsWith("OK"), "node " + n.id + ": " + r);
        }
        for (NodeProcess n : nodes) {
            assertEquals(String.valueOf(3 * 2 * 400), n.ok("get sums 4104"));
        }
    }

    @Test
    @Order(3)
    void aCounterTaskMigratesAroundAllNodesAndKeepsItsCounts() {
        node(1).ok("region counters 4096");
        int steps = 600;
        String id = node(1).ok("counter counters " + steps + " 50 1,2,3");
        Await.until("task " + id + " to finish", 90_000, () -> node(1).ok("task " + id).endsWith(";true"),
                () -> node(1).ok("task " + id));
        String[] info = node(1).ok("task " + id).split(";");
        assertTrue(Integer.parseInt(info[1]) >= 3, "migrations " + info[1]);
        assertEquals(String.valueOf(steps), node(3).ok("get counters 0"));
        long sum = 0;
        for (int i = 1; i <= 3; i++) {
            long here = Long.parseLong(node(2).ok("get counters " + 8 * i));
            assertTrue(here > 0, "the task ran on node " + i);
            sum += here;
        }
        assertEquals(steps, sum);
    }

    @Test
    @Order(4)
    void aKilledNodeLeavesAndOnlyPagesItAloneHeldAreLost() {
        node(1).ok("region kill 16384");
        node(3).ok("put kill 0 30");           // page 0: node 3 alone
        node(3).ok("put kill 4096 31");
        assertEquals("31", node(2).ok("get kill 4096")); // page 1: nodes 1, 2, 3
        node(2).ok("put kill 8192 32");        // page 2: node 2 alone
        assertEquals("3;3;false", node(1).ok("state kill 0"));
        assertEquals("3", node(3).ok("region orphan 12288"));
        node(1).ok("put orphan 0 40");         // page 0: node 1 alone, writable
        node(3).ok("put orphan 4096 41");
        assertEquals("41", node(2).ok("get orphan 4096")); // page 1: nodes 2 and 3
        // page 2: never touched, so only its origin, node 3, holds it

        node(3).kill();
        for (int id = 1; id <= 2; id++) {
            NodeProcess n = node(id);
            Await.until("node " + id + " to drop the killed node 3", 30_000, () -> n.ok("members").equals("1,2"));
        }
        Await.until("page 0 to be reported lost", 30_000, () -> node(1).ok("state kill 0").endsWith(";true"));
        assertEquals(";-1;true", node(2).ok("state kill 0"));
        String eio = node(2).err("get kill 0");
        assertTrue(eio.startsWith("ERR EIO") && eio.contains("page 0") && eio.contains("'kill'"), eio);
        assertEquals("31", node(1).ok("get kill 4096"));
        assertEquals("1,2;-1;false", node(2).ok("state kill 1"));
        assertEquals("32", node(1).ok("get kill 8192"));
        assertEquals("2400", node(1).ok("get sums 4104"));

        Await.until("both survivors to agree on a new origin of 'orphan'", 30_000,
                () -> !node(1).ok("region orphan 0").equals("3")
                        && node(1).ok("region orphan 0").equals(node(2).ok("region orphan 0")));
        String origin = node(1).ok("region orphan 0");
        assertTrue(origin.equals("1") || origin.equals("2"), origin);
        assertEquals("40", node(2).ok("get orphan 0"));
        assertEquals("41", node(1).ok("get orphan 4096"));
        node(1).ok("put orphan 4096 42");
        assertEquals("42", node(2).ok("get orphan 4096"));
        String lost = node(1).err("get orphan 8192");
        assertTrue(lost.startsWith("ERR EIO") && lost.contains("page 2") && lost.contains("'orphan'")
                && lost.contains("origin node 3 died holding the only copy"), lost);
        assertEquals(";-1;true", node(2).ok("state orphan 2"));
    }
}

package org.aepdsm.bench;

import static org.aepdsm.bench.Harness.F2;
import static org.aepdsm.bench.Harness.F6;
import static org.aepdsm.bench.Harness.SHADOW;
import static org.aepdsm.bench.Harness.assertLines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each benchmark with tiny arguments against the test entry: the original's lines, and nothing left allocated. */
class BenchmarkRunTest {
    @TempDir
    Path dir;

    private final HeapEntry entry = new HeapEntry();

    private Harness harness() {
        return new Harness(dir, null, Harness.shadow(entry));
    }

    @Test
    void threadtestPrintsTheOriginalLines() {
        RunReport r = harness().run("threadtest", "2 3 9 1 2");
        assertLines(r.output(),
                "AEP-DSM entry mode = shadow-entry",
                SHADOW,
                "Running AEP-DSM shadow-entry threadtest for 2 threads, 3 iterations, 9 objects, 1 work and 2 sz\\.\\.\\.",
                "Time elapsed = " + F6,
                "Total operations = 48",
                "Throughput = " + F2 + " ops/sec");
        assertEquals(1, entry.inits);
        assertEquals(0, entry.live());
        assertEquals("throughput", r.ours().headline().name());
    }

    @Test
    void kvReadHitPrintsTheOriginalLinesAndFreesItsNodes() {
        RunReport r = harness().run("kv", "3 9 200");
        assertLines(r.output(),
                "AEP-DSM entry mode = shadow-entry",
                SHADOW,
                "Running AEP-DSM shadow-entry KV two-phase read-hit test for 3 threads, 200 preload keys/thread, "
                        + "200 read ops/thread\\.\\.\\.",
                "Compatibility read_ratio argument = 9 \\(not used in read-hit phase\\)",
                "Time elapsed = " + F6,
                "Total operations = 600",
                "Throughput = " + F2 + " ops/sec",
                "Throughput = " + F6 + " MOPS");
        assertEquals(0, entry.live());
    }

    @Test
    void kvWriteOnlyPrintsItsOwnHeader() {
        RunReport r = harness().run("kv", "2 9 100 --mode=write");
        assertLines(r.output(),
                "AEP-DSM entry mode = shadow-entry",
                SHADOW,
                "Running AEP-DSM shadow-entry KV write-only test for 2 threads, 100 write ops/thread\\.\\.\\.",
                "Time elapsed = " + F6,
                "Total operations = 200",
                "Throughput = " + F2 + " ops/sec",
                "Throughput = " + F6 + " MOPS");
        assertEquals(0, entry.live());
    }

    @Test
    void transferBenchPrintsBothSectionsAndTheKnownChecksum() {
        RunReport r = harness().run("transfer_bench", "5 64 2 --mode=all");
        assertLines(r.output(),
                "AEP-DSM entry mode = shadow-entry",
                SHADOW,
                "clients = 1 -> 2",
                "\\[single-object\\]",
                "  rounds = 5",
                "  object_size = 64",
                "  transfers = 10",
                "  time = " + F6 + " s",
                "  throughput = " + F6 + " Mtransfers/sec",
                "  latency = " + F2 + " ns/transfer",
                "\\[binary-tree-root-transfer\\]",
                "  rounds = 5",
                "  depth = 2",
                "  nodes/tree = 7",
                "  forward root transfer time = " + F6 + " s",
                "  forward root transfer latency = " + F2 + " ns/transfer",
                "  receiver traversal time = " + F6 + " s",
                "  receiver traversal latency = " + F2 + " ns/tree",
                "  receiver traversal latency = " + F2 + " ns/node",
                "  traversal checksum = 0xaed500005eed1234");
        assertEquals(0, entry.live());
        assertEquals(List.of("single-object latency", "single-object throughput", "tree root transfer latency",
                "tree traversal latency"), r.ours().figures().stream().map(Figure::name).toList());
    }

    @Test
    void treeChecksumFollowsTheOriginal() {
        assertEquals("  traversal checksum = 0x0", harness().run("transfer_bench", "4 64 3 --mode=tree").output()
                .getLast());
        assertEquals("  traversal checksum = 0xaed500005eef1236", harness().run("transfer_bench",
                "1 64 0 --mode=tree").output().getLast());
        List<String> single = harness().run("transfer_bench", "3 8 --mode=single --src=4 --dst=20").output();
        assertEquals("clients = 4 -> 20", single.get(2));
        assertEquals("  object_size = 40", single.get(5));
        assertEquals(0, entry.live());
    }

    @Test
    void serverlessChainPrintsTheOriginalLines() {
        RunReport r = harness().run("serverless_chain", "4 16 3");
        assertLines(r.output(),
                "AEP-DSM entry mode = shadow-entry",
                SHADOW,
                "Running serverless chain: rounds=4 object_size=32 clients=3 hops/round=2",
                "Time elapsed = " + F6,
                "Total ownership transfers = 8",
                "Throughput = " + F2 + " transfers/sec",
                "Throughput = " + F6 + " Mtransfers/sec",
                "Latency = " + F2 + " ns/transfer");
        assertEquals(0, entry.live());
    }

    @Test
    void pagerankPrintsExactByteCountsAndUnitChecksum() {
        RunReport r = harness().run("pagerank", "2 64 2 2 4");
        String[] stage = {"vertices = %d", "edges = %d", "iterations = 2", "stage AEP allocation = %d bytes",
            "cumulative AEP allocation = %d bytes", "message allocation = 2272 bytes", "time = " + F6 + " s",
            "throughput = " + F6 + " Medges/sec", "rank checksum = 1\\.000000000000"};
        long[][] values = {{64, 256, 6368, 6368}, {128, 512, 10464, 16832}};
        List<String> expected = new java.util.ArrayList<>(List.of("AEP-DSM entry mode = shadow-entry", SHADOW,
                "workers = 2, initial_vertices = 64, stages = 2, iterations = 2, edges_per_vertex = 4"));
        for (int s = 0; s < 2; s++) {
            expected.add("\\[stage " + s + "\\]");
            long[] v = values[s];
            expected.add("  " + String.format(stage[0], v[0]));
            expected.add("  " + String.format(stage[1], v[1]));
            expected.add("  " + stage[2]);
            expected.add("  " + String.format(stage[3], v[2]));
            expected.add("  " + String.format(stage[4], v[3]));
            for (int i = 5; i < stage.length; i++) {
                expected.add("  " + stage[i]);
            }
        }
        assertLines(r.output(), expected.toArray(String[]::new));
        assertEquals(0, entry.live());
    }

    @Test
    void pagerankWithUnevenPartitionsStillSumsToOne() {
        RunReport r = harness().run("pagerank", "3 200 2 3 5");
        assertTrue(r.output().stream().filter(l -> l.startsWith("  rank checksum = ")).allMatch(
                l -> l.equals("  rank checksum = 1.000000000000")), r.output().toString());
        assertEquals(0, entry.live());
    }

    @Test
    void skipInitLeavesTheAllocatorAlone() {
        harness().run("threadtest", "1 1 1 --skip-init");
        assertEquals(0, entry.inits);
    }

    @Test
    void directFlagSelectsTheDirectEntryAndItsModeLine() {
        HeapEntry direct = new HeapEntry(1 << 20, 0x1000, true);
        Harness h = new Harness(dir, null, Harness.shadow(entry), Harness.direct(direct));
        RunReport r = h.run("threadtest", "1 1 1 --direct");
        assertEquals("AEP-DSM entry mode = direct-link", r.output().get(0));
        assertTrue(r.output().get(1).startsWith("Running AEP-DSM direct-link threadtest"), r.output().get(1));
        assertEquals(1, direct.inits);
        assertEquals(0, entry.inits);
    }

    @Test
    void directFlagWithoutDirectEntryIsRefused() {
        AepException e = assertThrows(AepException.class, () -> harness().run("threadtest", "1 1 1 --direct"));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("ENOENT: " + EntryChoice.NO_DIRECT, e.getMessage());
    }

    @Test
    void entryFlagSelectsByAddressAndRefusesUnknownOnes() {
        HeapEntry other = new HeapEntry(1 << 20, 0x7000, false);
        Harness h = new Harness(dir, null, Harness.shadow(entry),
                new EntryChoice.Candidate(other, Map.of("aepdsm.entry", "0x7000")));
        RunReport r = h.run("threadtest", "1 1 1 --entry=0x7000");
        assertEquals("AEP shadow entry = 0x7000", r.output().get(1));
        assertEquals(1, other.inits);
        AepException e = assertThrows(AepException.class, () -> h.run("threadtest", "1 1 1 --entry=0x9000"));
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().contains("no shadow entry at 0x9000 (available: 0xffffe8fffd801000, 0x7000)"),
                e.getMessage());
    }

    @Test
    void noEntryAtAllIsAClearError() {
        Harness h = new Harness(dir, null);
        AepException e = assertThrows(AepException.class, () -> h.run("kv", "1 1 1"));
        assertTrue(e.getMessage().contains("is the org.aepdsm.allocator bundle active?"), e.getMessage());
    }

    @Test
    void resultsJsonIsWrittenAndParses() throws Exception {
        RunReport r = harness().run("serverless_chain", "3 64 4 --out=" + dir.resolve("out"));
        assertTrue(r.json().startsWith(dir.resolve("out")), r.json().toString());
        assertNull(r.png(), "no launcher, no chart");
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) MiniJson.parse(Files.readString(r.json()));
        assertEquals("serverless_chain", json.get("benchmark"));
        assertEquals(List.of("3", "64", "4", "--out=" + dir.resolve("out")), json.get("args"));
        assertEquals("shadow-entry", json.get("entryMode"));
        assertTrue(((Map<?, ?>) json.get("machine")).containsKey("cpus"));
        List<?> figures = (List<?>) json.get("figures");
        assertEquals("latency", ((Map<?, ?>) figures.getFirst()).get("name"));
        assertEquals("lower", ((Map<?, ?>) figures.getFirst()).get("better"));
        assertTrue(((List<?>) json.get("output")).contains("Total ownership transfers = 9"));
        assertEquals("no chart launcher configured", json.get("chartUnavailable"));
        assertFalse(json.containsKey("chart") && json.get("chart") != null);
    }

    @Test
    void roundsRepeatTheRunAndReportMediansAndEveryRound() throws Exception {
        Harness h = harness();
        RunReport r = h.run("serverless_chain", "3 64 4 --rounds=3 --out=" + dir.resolve("out"));
        String text = h.text();
        for (int i = 1; i <= 3; i++) {
            assertTrue(text.contains("=== round " + i + "/3 of serverless_chain ==="), text);
        }
        assertEquals(3, r.output().stream().filter(l -> l.equals("Total ownership transfers = 9")).count(),
                "each round runs the whole benchmark and prints its lines");
        assertEquals(0, entry.live(), "every round frees what it allocated");
        assertTrue(text.contains("=== ours (median of 3 rounds) ==="), text);
        assertTrue(text.lines().anyMatch(l -> l.matches(
                "  latency = \\d+\\.\\d{2} ns/transfer \\(by round: \\d+\\.\\d{2} \\d+\\.\\d{2} \\d+\\.\\d{2}\\)")), text);
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) MiniJson.parse(Files.readString(r.json()));
        assertEquals(3.0, ((Number) json.get("rounds")).doubleValue());
        List<?> byRound = (List<?>) json.get("byRound");
        assertEquals(3, byRound.size());
        List<Double> latencies = new java.util.ArrayList<>();
        for (Object o : byRound) {
            List<?> figures = (List<?>) ((Map<?, ?>) o).get("figures");
            latencies.add(((Number) ((Map<?, ?>) figures.getFirst()).get("value")).doubleValue());
        }
        assertEquals(Rounds.median(latencies), r.ours().headline().value(), "the reported figure is the median");
        List<?> figures = (List<?>) json.get("figures");
        assertEquals(r.ours().headline().value(), ((Number) ((Map<?, ?>) figures.getFirst()).get("value"))
                .doubleValue());
    }

    @Test
    void oneRoundWritesNoRoundDetail() throws Exception {
        RunReport r = harness().run("serverless_chain", "3 64 4 --out=" + dir.resolve("out"));
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) MiniJson.parse(Files.readString(r.json()));
        assertEquals(1.0, ((Number) json.get("rounds")).doubleValue());
        assertFalse(json.containsKey("byRound"));
    }
}

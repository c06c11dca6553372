package org.aepdsm.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peers measured in the child JVM from this module's peer-lib, comparison lines, ratios in the results file, and
 * the PNG chart. Slower than the other tests (each starts a JVM); no figure is asserted, only that it exists.
 */
class PeerJvmTest {
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path dir;

    private PeerLauncher launcher() {
        return new PeerLauncher(dir.resolve("cache"), List.of("-Xmx512m"), 300);
    }

    @Test
    void serverlessChainAgainstArrowAndTheQueueWithChartAndRatios() throws Exception {
        Harness h = new Harness(dir.resolve("results"), launcher(), Harness.shadow(new HeapEntry()));
        RunReport r = h.run("serverless_chain", "50 64 4 --peers");
        assertEquals(List.of("arrow-transfer-ownership", "handoff-queue"),
                r.peers().stream().map(PeerResult::peer).toList(), h.text());
        assertTrue(r.peers().stream().allMatch(PeerResult::available), r.peers().toString());
        String text = h.text();
        assertTrue(text.contains("=== peers (same run) ===\n  latency (ns/transfer, lower is better)\n"), text);
        assertTrue(text.lines().anyMatch(l -> l.matches(
                "    handoff-queue +\\d+\\.\\d{2} ns/transfer; ours/peer = \\d+\\.\\d{3} \\(lower is better: "
                        + "(ours|peer) \\d+\\.\\d{2}x better\\)")), text);
        assertNotNull(r.png(), text);
        byte[] head = Arrays.copyOf(Files.readAllBytes(r.png()), 8);
        assertArrayEquals(PNG_MAGIC, head);
        Map<?, ?> json = (Map<?, ?>) MiniJson.parse(Files.readString(r.json()));
        List<?> ratios = (List<?>) json.get("ratios");
        assertEquals(4, ratios.size(), "latency and throughput against two peers");
        Map<?, ?> first = (Map<?, ?>) ratios.getFirst();
        assertEquals("latency", first.get("figure"));
        assertEquals("lower", first.get("better"));
        assertEquals(r.png().getFileName().toString(), json.get("chart"));
    }

    @Test
    void roundsMeasureThePeersEachRoundAndPairTheRatios() throws Exception {
        Harness h = new Harness(dir.resolve("results"), launcher(), Harness.shadow(new HeapEntry()));
        RunReport r = h.run("serverless_chain", "50 64 4 --peers --rounds=2");
        String text = h.text();
        assertEquals(2, text.lines().filter(l -> l.startsWith("peers: measuring serverless_chain's peers")).count(),
                text);
        assertTrue(text.contains("=== peers (median of 2 rounds, each ours then the peers) ==="), text);
        assertEquals(4, text.lines().filter(l -> l.matches(
                "      ours/peer by round: \\d+\\.\\d{3} \\d+\\.\\d{3} \\(median \\d+\\.\\d{3}\\)"))
                .count(), "latency and throughput against two peers, two rounds each:\n" + text);
        assertTrue(r.peers().stream().allMatch(PeerResult::available), r.peers().toString());
        Map<?, ?> json = (Map<?, ?>) MiniJson.parse(Files.readString(r.json()));
        List<?> byRound = (List<?>) json.get("byRound");
        List<Double> queue = new java.util.ArrayList<>();
        for (Object round : byRound) {
            for (Object p : (List<?>) ((Map<?, ?>) round).get("peers")) {
                Map<?, ?> pm = (Map<?, ?>) p;
                if (pm.get("peer").equals("handoff-queue")) {
                    for (Object f : (List<?>) pm.get("figures")) {
                        if (((Map<?, ?>) f).get("name").equals("latency")) {
                            queue.add(((Number) ((Map<?, ?>) f).get("value")).doubleValue());
                        }
                    }
                }
            }
        }
        assertEquals(2, queue.size(), json.toString());
        PeerResult merged = r.peers().stream().filter(p -> p.peer().equals("handoff-queue")).findFirst().orElseThrow();
        assertEquals(Rounds.median(queue), merged.figure("latency").value(), "the peer's figure is its median");
        Map<?, ?> first = (Map<?, ?>) ((List<?>) json.get("ratios")).getFirst();
        List<?> paired = (List<?>) first.get("oursOverPeerByRound");
        assertEquals(2, paired.size());
        assertEquals(Rounds.median(paired.stream().map(v -> ((Number) v).doubleValue()).toList()),
                ((Number) first.get("medianOursOverPeerByRound")).doubleValue());
    }

    @Test
    void everyOtherBenchmarksPeersRunInTheChildJvm() {
        PeerLauncher l = launcher();
        java.io.ByteArrayOutputStream progress = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = new java.io.PrintStream(progress, true);
        Map<String, List<String>> expected = Map.of(
                "threadtest", List.of("ffm-malloc", "ffm-arena-confined", "netty-pooled-direct"),
                "kv", List.of("concurrent-hash-map", "chronicle-map", "same-table-heap-nodes"),
                "transfer_bench", List.of("arrow-transfer-ownership", "handoff-queue"),
                "pagerank", List.of("heap-objects"));
        Map<String, BenchmarkRun> runs = Map.of(
                "threadtest", ThreadTest.parse(List.of("2", "2", "100", "0", "8")),
                "kv", KvBench.parse(List.of("2", "9", "500")),
                "transfer_bench", TransferBench.parse(List.of("20", "64", "3")),
                "pagerank", PageRank.parse(List.of("2", "64", "2", "2", "4")));
        for (var e : expected.entrySet()) {
            List<PeerResult> results = l.peers(e.getKey(), runs.get(e.getKey()).peerArgs(), out);
            assertEquals(e.getValue(), results.stream().map(PeerResult::peer).toList(),
                    e.getKey() + ": " + results + "\n" + progress);
            for (PeerResult p : results) {
                assertTrue(p.available(), e.getKey() + " peer " + p.peer() + ": " + p.reason());
                assertNotNull(p.figure(e.getKey().equals("transfer_bench") ? "single-object latency"
                        : "throughput"), p.toString());
            }
        }
    }

    @Test
    void kvsPeersTimeWritesInWriteMode() {
        java.io.ByteArrayOutputStream progress = new java.io.ByteArrayOutputStream();
        List<PeerResult> results = launcher().peers("kv", KvBench.parse(List.of("2", "9", "500", "--mode=write"))
                .peerArgs(), new java.io.PrintStream(progress, true));
        assertEquals(List.of("concurrent-hash-map", "chronicle-map", "same-table-heap-nodes"),
                results.stream().map(PeerResult::peer).toList(), results + "\n" + progress);
        for (PeerResult p : results) {
            assertTrue(p.available(), "kv write peer " + p.peer() + ": " + p.reason());
            assertNotNull(p.figure("throughput"), p.toString());
        }
    }

    @Test
    void aChildThatCannotRunIsReportedNotHidden() {
        List<PeerResult> r = launcher().peers("no-such-benchmark", List.of(), new java.io.PrintStream(
                new java.io.ByteArrayOutputStream()));
        assertEquals(1, r.size());
        assertEquals("peer-jvm", r.getFirst().peer());
        assertTrue(r.getFirst().reason().contains("exited with status 1"), r.getFirst().reason());
        assertTrue(r.getFirst().reason().contains("no peers for benchmark no-such-benchmark"), r.getFirst().reason());
    }
}

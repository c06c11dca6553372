package org.aepdsm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Figures of several rounds: medians, peers that failed in one round, and ratios paired round by round. */
class RoundsTest {
    private static Measurement ours(double throughput, double latency) {
        return new Measurement(List.of(Figure.higher("throughput", throughput, "ops/sec"),
                Figure.lower("latency", latency, "ns")));
    }

    private static PeerResult peer(String name, double throughput) {
        return new PeerResult(name, List.of(Figure.higher("throughput", throughput, "ops/sec")), null);
    }

    @Test
    void medianIsTheMiddleValueOrTheMeanOfTheTwoMiddleOnes() {
        assertEquals(5.0, Rounds.median(List.of(5.0)));
        assertEquals(3.0, Rounds.median(List.of(9.0, 1.0, 3.0)));
        assertEquals(4.0, Rounds.median(List.of(9.0, 1.0, 3.0, 5.0)));
        assertThrows(IllegalArgumentException.class, () -> Rounds.median(List.of()));
    }

    @Test
    void oursKeepsEveryFigureInOrderWithItsMedian() {
        Measurement m = Rounds.ours(List.of(ours(10, 300), ours(30, 100), ours(20, 200)));
        assertEquals("throughput", m.headline().name());
        assertEquals(20.0, m.headline().value());
        assertTrue(m.headline().higherIsBetter());
        Figure latency = m.figures().get(1);
        assertEquals("latency", latency.name());
        assertEquals(200.0, latency.value());
        assertEquals("ns", latency.unit());
        assertFalse(latency.higherIsBetter());
    }

    @Test
    void onePeerFailingInOneRoundIsUnavailableAndTheOthersKeepTheirMedians() {
        List<List<PeerResult>> rounds = List.of(
                List.of(peer("a", 4), peer("b", 1)),
                List.of(peer("a", 6), new PeerResult("b", List.of(), "child JVM timed out")),
                List.of(peer("a", 5), peer("b", 3)));
        List<PeerResult> merged = Rounds.peers(rounds);
        assertEquals(2, merged.size());
        assertEquals("a", merged.get(0).peer());
        assertEquals(5.0, merged.get(0).figure("throughput").value());
        assertNull(merged.get(0).reason());
        assertFalse(merged.get(1).available());
        assertEquals("round 2: child JVM timed out", merged.get(1).reason());
        assertTrue(merged.get(1).figures().isEmpty());
    }

    @Test
    void aPeerMissingFromALaterRoundIsUnavailable() {
        List<PeerResult> merged = Rounds.peers(List.of(List.of(peer("a", 4)), List.of()));
        assertEquals("round 2: not measured", merged.getFirst().reason());
    }

    @Test
    void oneRoundIsReportedAsItWas() {
        PeerResult gone = new PeerResult("b", List.of(), "no such library");
        List<PeerResult> merged = Rounds.peers(List.of(List.of(peer("a", 4), gone)));
        assertEquals(4.0, merged.get(0).figure("throughput").value());
        assertEquals("no such library", merged.get(1).reason(), "no round number when there is one round");
        assertEquals(ours(7, 8), Rounds.ours(List.of(ours(7, 8))));
    }

    @Test
    void ratiosPairEachRoundsOwnRunsAndSkipRoundsWithoutThePeer() {
        List<Measurement> ours = List.of(ours(10, 1), ours(30, 1), ours(20, 1));
        List<List<PeerResult>> peers = List.of(
                List.of(peer("a", 5)),
                List.of(new PeerResult("a", List.of(), "failed")),
                List.of(peer("a", 40)));
        assertEquals(List.of(2.0, 0.5), Rounds.ratios("throughput", "a", ours, peers));
        assertEquals(List.of(), Rounds.ratios("latency", "a", ours, peers), "the peer has no latency figure");
        assertEquals(List.of(), Rounds.ratios("throughput", "z", ours, peers));
    }

    @Test
    void noRoundsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Rounds.ours(List.of()));
        assertThrows(IllegalArgumentException.class, () -> Rounds.peers(List.of()));
    }

    @Test
    void summaryAddsThePairedMedianColumnOnlyWhenARunHadRounds() {
        List<Measurement> ours = List.of(ours(10, 1), ours(30, 1), ours(20, 1));
        List<List<PeerResult>> peers = List.of(List.of(peer("a", 5)), List.of(peer("a", 60)), List.of(peer("a", 4)));
        RunReport three = new RunReport("kv", List.of(), "shadow-entry", Rounds.ours(ours), Rounds.peers(peers),
                Path.of("kv.json"), null, List.of(), ours, peers);
        RunReport one = new RunReport("threadtest", List.of(), "shadow-entry", ours(7, 1), List.of(peer("a", 7)),
                Path.of("t.json"), null, List.of());
        assertEquals(1, one.rounds());
        assertEquals(List.of(1.0), one.pairedRatios("throughput", "a"));
        List<String> lines = BenchRunner.summary(List.of(three, one)).lines().toList();
        assertTrue(lines.get(2).matches("benchmark +figure +unit +ours +peer +peer value +ours/peer +paired +better"),
                lines.get(2));
        // medians 20 and 5: 4.000; paired 2.0, 0.5, 5.0: median 2.000
        assertTrue(lines.get(3).matches("kv +throughput +ops/sec +20\\.00 +a +5\\.00 +4\\.000 +2\\.000 +ours .*"),
                lines.get(3));
        assertTrue(lines.get(4).matches("threadtest .* 7\\.00 +1\\.000 +- +peer .*"), lines.get(4));
        String single = BenchRunner.summary(List.of(one));
        assertFalse(single.contains("paired"), single);
        assertTrue(single.lines().toList().get(3).matches("threadtest .* 7\\.00 +1\\.000  peer .*"), single);
    }
}

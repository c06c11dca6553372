package org.aepdsm.bench.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class WarmUpTest {
    @Test
    void stopsAfterTheFirstRoundPastTheMinimumThatCompiledNothing() {
        long[] clock = {100, 150, 180, 200, 200, 260};
        AtomicInteger reads = new AtomicInteger();
        List<Integer> rounds = new ArrayList<>();
        int done = WarmUp.run(2, 10, 60_000, rounds::add, () -> clock[reads.getAndIncrement()], () -> { });
        assertEquals(4, done, "round 4 compiled nothing (200 -> 200)");
        assertEquals(List.of(1, 2, 3, 4), rounds);
    }

    @Test
    void runsTheMinimumEvenWhenNothingCompiles() {
        int done = WarmUp.run(3, 10, 60_000, r -> { }, () -> 7, () -> { });
        assertEquals(3, done);
    }

    @Test
    void stopsAtTheMaximumWhileTheCompilersKeepWorking() {
        AtomicLong clock = new AtomicLong();
        int done = WarmUp.run(1, 5, 60_000, r -> { }, () -> clock.addAndGet(10), () -> { });
        assertEquals(5, done);
    }

    @Test
    void stopsOnTimeOnceTheMinimumIsDone() {
        AtomicLong clock = new AtomicLong();
        int done = WarmUp.run(2, 1000, 20, r -> sleep(15), () -> clock.addAndGet(10), () -> { });
        assertEquals(2, done, "the second round ends past 20 ms");
    }

    @Test
    void waitsForIdleCompilersBeforeTheFirstRoundAndAfterEachRound() {
        List<String> events = new ArrayList<>();
        AtomicLong clock = new AtomicLong();
        WarmUp.run(2, 2, 60_000, r -> events.add("round " + r), () -> clock.addAndGet(1),
                () -> events.add("idle"));
        assertEquals(List.of("idle", "round 1", "idle", "round 2", "idle"), events);
    }

    @Test
    void theUsualBoundsRunAtLeastTheFewestRoundsOnThisJvm() {
        List<Integer> rounds = new ArrayList<>();
        int done = WarmUp.run(rounds::add);
        assertTrue(done >= WarmUp.MIN_ROUNDS && done <= WarmUp.MAX_ROUNDS, "rounds " + done);
        assertEquals(done, rounds.size());
        assertEquals(1, rounds.get(0));
    }

    @Test
    void refusesARoundRangeThatIsNotOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WarmUp.run(0, 3, 10, r -> { }));
        assertTrue(e.getMessage().contains("[0, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WarmUp.run(4, 3, 10, r -> { }));
    }

    @Test
    void aRoundRunsATwentiethOfTheIterationsAndAtLeastOne() {
        assertEquals(50, WarmUp.iterationsPerRound(1000));
        assertEquals(1, WarmUp.iterationsPerRound(39));
        assertEquals(2, WarmUp.iterationsPerRound(40));
        assertEquals(1, WarmUp.iterationsPerRound(1));
    }

    @Test
    void aRoundCoversTheDoublingSizesUpToTheLargestAndAlwaysTheFirst() {
        assertEquals(4, WarmUp.doublingSizes(4096, 4, 1 << 16), "4096..32768, all within 65536");
        assertEquals(5, WarmUp.doublingSizes(4096, 10, 1 << 16), "4096..65536 of ten sizes");
        assertEquals(1, WarmUp.doublingSizes(100_000, 3, 1 << 16), "the first size even when above the largest");
        assertEquals(1, WarmUp.doublingSizes(4096, 1, 1 << 16));
        assertEquals(63, WarmUp.doublingSizes(1, 100, Long.MAX_VALUE), "1..2^62: doubling stops before overflow");
    }

    @Test
    void carryHandsEachRoundWhatThePreviousOneReturned() {
        long rounds = WarmUp.carry(0L, n -> n + 1);
        assertTrue(rounds >= WarmUp.MIN_ROUNDS && rounds <= WarmUp.MAX_ROUNDS, "rounds " + rounds);
        List<Long> seen = new ArrayList<>();
        long last = WarmUp.carry(10L, n -> {
            seen.add(n);
            return n * 2;
        });
        assertEquals(10L, seen.get(0));
        for (int k = 1; k < seen.size(); k++) {
            assertEquals(seen.get(k - 1) * 2, seen.get(k));
        }
        assertEquals(seen.get(seen.size() - 1) * 2, last);
        String word = WarmUp.carry("", w -> w + "a");
        assertTrue(word.length() >= WarmUp.MIN_ROUNDS && word.matches("a+"), word);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

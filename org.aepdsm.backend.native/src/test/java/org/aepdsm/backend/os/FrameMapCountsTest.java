package org.aepdsm.backend.os;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** Map counts as runs: they agree with one counter per frame, and merged runs stay few. */
class FrameMapCountsTest {
    private static final long SEED = 20240611L;

    @Test
    void runsAgreeWithPerFrameCountersUnderRandomChanges() {
        int frames = 4096;
        FrameMapCounts runs = new FrameMapCounts(frames);
        int[] plain = new int[frames];
        SplittableRandom random = new SplittableRandom(SEED);
        for (int step = 0; step < 5000; step++) {
            int first = random.nextInt(frames);
            int count = 1 + random.nextInt(Math.min(600, frames - first));
            if (random.nextBoolean()) {
                runs.retain(first, count);
                for (int f = first; f < first + count; f++) {
                    plain[f]++;
                }
            } else {
                runs.release(first, count);
                for (int f = first; f < first + count; f++) {
                    plain[f] = Math.max(0, plain[f] - 1);
                }
            }
            int probe = random.nextInt(frames);
            assertEquals(plain[probe], runs.count(probe), "seed " + SEED + ", step " + step + ", frame " + probe);
        }
        for (int f = 0; f < frames; f++) {
            assertEquals(plain[f], runs.count(f), "seed " + SEED + ", frame " + f);
        }
        for (int i = 0; i < 200; i++) {
            int first = random.nextInt(frames);
            int count = 1 + random.nextInt(frames - first);
            long expected = -1;
            for (int f = first; f < first + count; f++) {
                if (plain[f] > 0) {
                    expected = f;
                    break;
                }
            }
            assertEquals(expected, runs.firstMapped(first, count), "seed " + SEED + ", range " + first + "+" + count);
        }
    }

    @Test
    void aMillionFrameMappingIsOneRunAndMergesBackWhenReleased() {
        FrameMapCounts runs = new FrameMapCounts(4L << 20);
        runs.retain(512, 1L << 20);
        assertEquals(3, runs.runCount(), "before, inside, after");
        assertEquals(1, runs.count(512 + 12345));
        assertEquals(0, runs.count(511));
        assertEquals(512 + 77, runs.firstMapped(512 + 77, 10));
        assertEquals(-1, runs.firstMapped(0, 512));
        runs.retain(1024, 512);
        assertEquals(2, runs.count(1024));
        runs.release(1024, 512);
        assertEquals(3, runs.runCount(), "equal neighbours merge again");
        runs.release(512, 1L << 20);
        assertEquals(1, runs.runCount());
        runs.release(0, 10);
        assertEquals(0, runs.count(5), "a release below zero stays at zero");
        assertEquals(0, runs.count(-1));
        assertEquals(0, runs.count(4L << 20));
    }
}

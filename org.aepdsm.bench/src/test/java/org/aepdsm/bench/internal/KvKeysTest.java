package org.aepdsm.bench.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

/**
 * kv's read keys follow the original's seeded xorshift64 sequence, and every one is a key some task preloaded;
 * keys and values follow the original's formulas.
 */
class KvKeysTest {
    private static final long GOLDEN = 0x9e3779b97f4a7c15L;

    /** The original's read loop, written out: the first {@code count} keys task {@code task} reads. */
    private static long[] original(int task, int threads, int iterations, int count) {
        long[] keys = new long[count];
        long rng = 0xd1b54a32d192ed03L ^ ((long) task << 32) ^ iterations;
        for (int i = 0; i < count; i++) {
            rng = xorshift(rng);
            long owner = Long.remainderUnsigned(rng, threads);
            rng = xorshift(rng);
            long index = Long.remainderUnsigned(rng, iterations);
            keys[i] = (owner << 56) | (index + 1);
        }
        return keys;
    }

    private static long xorshift(long x) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        return x;
    }

    private static long[] generated(int task, int threads, int iterations, int count) {
        KvKeys.ReadKeys reads = new KvKeys.ReadKeys(task, threads, iterations);
        long[] keys = new long[count];
        for (int i = 0; i < count; i++) {
            keys[i] = reads.next();
        }
        return keys;
    }

    @Test
    void readKeysAreTheOriginalsSequence() {
        assertArrayEquals(new long[] {0x14340L, 0x10000000000915cL, 0x10000000001725cL, 0x13446L},
                generated(1, 2, 100000, 4), "task 1 of kv 2 9 100000");
        int[][] runs = {{0, 1, 1}, {0, 2, 500}, {1, 2, 500}, {5, 16, 1000000}, {38, 39, 7}};
        for (int[] r : runs) {
            assertArrayEquals(original(r[0], r[1], r[2], 16), generated(r[0], r[1], r[2], 16),
                    "task " + r[0] + " of " + r[1] + ", " + r[2] + " keys each");
        }
    }

    @Test
    void everyReadKeyIsAPreloadedKey() {
        int[][] runs = {{0, 1, 1}, {1, 2, 500}, {3, 7, 1000}, {38, 39, 100000}};
        for (int[] r : runs) {
            int threads = r[1];
            int iterations = r[2];
            KvKeys.ReadKeys reads = new KvKeys.ReadKeys(r[0], threads, iterations);
            for (int i = 0; i < 10000; i++) {
                long key = reads.next();
                long owner = key >>> 56;
                long entry = key & ((1L << 56) - 1);
                assertTrue(owner < threads, "owner of 0x" + Long.toHexString(key));
                assertTrue(entry >= 1 && entry <= iterations, "entry of 0x" + Long.toHexString(key));
                assertEquals(KvKeys.keyFor((int) owner, (int) entry - 1), key);
            }
        }
    }

    @Test
    void warmUpReadsArePreloadedKeysInAnotherOrderThanTheTimedReads() {
        int threads = 4;
        int iterations = 1000;
        long[] timed = generated(2, threads, iterations, 64);
        for (int round = 1; round <= 3; round++) {
            KvKeys.ReadKeys warm = KvKeys.ReadKeys.warmUp(2, round, threads, iterations);
            long[] keys = new long[64];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = warm.next();
                long entry = keys[i] & ((1L << 56) - 1);
                assertTrue((keys[i] >>> 56) < threads && entry >= 1 && entry <= iterations,
                        "round " + round + " key 0x" + Long.toHexString(keys[i]));
            }
            assertFalse(Arrays.equals(timed, keys), "round " + round + " repeats the timed reads");
            long[] again = new long[64];
            KvKeys.ReadKeys same = KvKeys.ReadKeys.warmUp(2, round, threads, iterations);
            for (int i = 0; i < again.length; i++) {
                again[i] = same.next();
            }
            assertArrayEquals(keys, again, "a round's keys are reproducible");
        }
    }

    @Test
    void keysAndValuesFollowTheOriginalsFormulas() {
        assertEquals(1, KvKeys.keyFor(0, 0));
        assertEquals((3L << 56) | 42, KvKeys.keyFor(3, 41));
        assertEquals((38L << 56) | 1000000, KvKeys.keyFor(38, 999999));
        long key = KvKeys.keyFor(2, 9);
        assertEquals(key ^ GOLDEN, KvKeys.valueFor(key));
        assertEquals(xorshift(0x5eedL), KvKeys.next(0x5eedL));
    }
}

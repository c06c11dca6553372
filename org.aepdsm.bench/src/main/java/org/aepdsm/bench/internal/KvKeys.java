package org.aepdsm.bench.internal;

/**
 * kv's keys, values and random read sequence, shared by the benchmark over the allocator
 * ({@code org.aepdsm.bench.KvBench}) and its peers in the child JVM ({@code org.aepdsm.bench.peer.KvPeers}), so
 * both sides store and read the same keys in the same order. Task {@code t} owns the keys
 * {@code (t<<56)|(i+1)} for {@code i} in {@code [0, iterations)}; the value of a key is
 * {@code key ^ 0x9e3779b97f4a7c15}. Its reads draw keys of every task through {@link ReadKeys}.
 *
 * <p>Stateless; thread-safe.
 */
public final class KvKeys {
    private static final long GOLDEN = 0x9e3779b97f4a7c15L;
    private static final long READ_SEED = 0xd1b54a32d192ed03L;
    private static final long WARM_UP = 0x5741524d55500000L;

    private KvKeys() {
    }

    /** The key of task {@code task}'s {@code index}-th entry. */
    public static long keyFor(int task, int index) {
        return ((long) task << 56) | (index + 1L);
    }

    /** The value stored for a key. */
    public static long valueFor(long key) {
        return key ^ GOLDEN;
    }

    /** The original's xorshift64 step. */
    public static long next(long x) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        return x;
    }

    /** The first random state of task {@code task}'s reads. */
    public static long readSeed(int task, int iterations) {
        return READ_SEED ^ ((long) task << 32) ^ iterations;
    }

    /** The self-check message of a read that did not find a preloaded key. */
    public static String missed(long key) {
        return "kv_get missed preloaded key 0x" + Long.toHexString(key);
    }

    /** The self-check message of a read that found {@code key} with {@code value} instead of its own value. */
    public static String mismatch(long key, long value) {
        return "kv_get value mismatch for key 0x" + Long.toHexString(key) + ": expected 0x"
                + Long.toHexString(valueFor(key)) + ", got 0x" + Long.toHexString(value);
    }

    /**
     * One task's random read keys: each key takes two xorshift64 steps from {@link #readSeed}, the first choosing
     * the owning task ({@code state mod threads}), the second the owner's entry ({@code state mod iterations}),
     * both unsigned; every key is one that {@link #keyFor} gives a task below {@code threads}.
     *
     * <p>Not thread-safe; one per reading thread.
     */
    public static final class ReadKeys {
        private final int threads;
        private final int iterations;
        private long state;

        /**
         * @param task       the reading task, which chooses the seed
         * @param threads    how many tasks preloaded keys
         * @param iterations how many keys each task preloaded
         */
        public ReadKeys(int task, int threads, int iterations) {
            this(readSeed(task, iterations), threads, iterations);
        }

        private ReadKeys(long seed, int threads, int iterations) {
            this.threads = threads;
            this.iterations = iterations;
            this.state = seed;
        }

        /**
         * The keys task {@code task} reads in warm-up round {@code round}: the same kind of keys from a seed of
         * their own, so the timed reads do not repeat them.
         */
        public static ReadKeys warmUp(int task, int round, int threads, int iterations) {
            return new ReadKeys(KvKeys.next(readSeed(task, iterations) ^ ((long) round << 16) ^ WARM_UP), threads,
                    iterations);
        }

        /** The next key to read. */
        public long next() {
            long s = KvKeys.next(state);
            long owner = Long.remainderUnsigned(s, threads);
            s = KvKeys.next(s);
            long index = Long.remainderUnsigned(s, iterations);
            state = s;
            return (owner << 56) | (index + 1);
        }
    }
}

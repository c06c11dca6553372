package org.aepdsm.bench.peer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

import net.openhft.chronicle.map.ChronicleMap;
import org.aepdsm.bench.internal.KvBuckets;
import org.aepdsm.bench.internal.KvKeys;
import org.aepdsm.bench.internal.TaskThreads;
import org.aepdsm.bench.internal.WarmUp;
import org.aepdsm.bench.sync.WorkerBarrier;

/**
 * kv's workload over other maps, with the same keys, values, random read sequence and verification (all from
 * {@link KvKeys}, as kv's own): untimed preload by each task and the same untimed {@link WarmUp} rounds as kv's,
 * then timed reads that must all hit (or, in write mode, timed puts). Peers:
 * <ul>
 * <li>{@code concurrent-hash-map}: {@code ConcurrentHashMap<Long, Long>} presized for every key (boxed keys, as a
 * Java program would write it);</li>
 * <li>{@code chronicle-map}: an off-heap {@code ChronicleMap<Long, Long>} sized for every key;</li>
 * <li>{@code same-table-heap-nodes}: kv's own table ({@link KvBuckets}: 64 partitions sized to a task's keys, a
 * lock per bucket for writers, lock-free readers, chains of 24-byte nodes)
 * with the nodes in a Java {@code long[]} instead of allocator objects: the primitive layout, so the difference
 * to ours is the allocator and entry path alone.</li>
 * </ul>
 * Stateless; each run owns its threads.
 */
final class KvPeers {
    private KvPeers() {
    }

    /** A map under test; {@code task} names the writer, as kv's client id does. */
    interface Store extends AutoCloseable {
        void put(int task, long key, long value);

        /** Returns whether found; the value in {@code out[0]}. */
        boolean get(long key, long[] out);

        /** Readies whatever the first put of each of {@code threads} tasks would create. */
        default void prepare(int threads) {
        }

        @Override
        default void close() {
        }
    }

    static void run(PeerReport report, String[] a) {
        int threads = Integer.parseInt(a[0]);
        int iterations = Integer.parseInt(a[2]);
        boolean write = a[3].equals("write");
        report.attempt("concurrent-hash-map", () -> measure(report, "concurrent-hash-map", threads, iterations,
                write, perTask -> new MapStore(new ConcurrentHashMap<>(
                        (int) Math.min((long) threads * perTask * 4 / 3 + 16, 1 << 30)), null)));
        report.attempt("chronicle-map", () -> measure(report, "chronicle-map", threads, iterations, write,
                perTask -> {
                    ChronicleMap<Long, Long> map = ChronicleMap.of(Long.class, Long.class).name("aepdsm-kv-peer")
                            .entries(Math.max((long) threads * perTask, 1024)).create();
                    return new MapStore(map, map);
                }));
        report.attempt("same-table-heap-nodes", () -> {
            long entries = (long) threads * iterations;
            if (entries * 3 > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException(entries + " keys do not fit one long[] of nodes");
            }
            measure(report, "same-table-heap-nodes", threads, iterations, write,
                    perTask -> new HeapTable(threads, perTask));
        });
    }

    /** A {@code Map<Long, Long>} as a store; closes {@code closer} (when not null) with the store. */
    private record MapStore(Map<Long, Long> map, AutoCloseable closer) implements Store {
        public void put(int task, long key, long value) {
            map.put(key, value);
        }

        public boolean get(long key, long[] out) {
            Long v = map.get(key);
            if (v == null) {
                return false;
            }
            out[0] = v;
            return true;
        }

        public void close() {
            if (closer != null) {
                try {
                    closer.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing the map failed", e);
                }
            }
        }
    }

    /**
     * kv's table with nodes in a {@code long[]}: node n (1-based) is {@code nodes[3n-3..3n-1]} = key, value, next;
     * task t takes nodes from its own range, so allocation needs no lock. Buckets, locking and publication are
     * those of {@code org.aepdsm.bench.KvTable} ({@link KvBuckets}, sized alike): a lock word beside each head for
     * writers, and readers that load the head with acquire and walk published nodes without a lock.
     */
    static final class HeapTable implements Store {
        private final KvBuckets buckets;
        private final long[] nodes;
        private final int[] used;
        private final int perTask;

        HeapTable(int threads, int perTask) {
            this.perTask = perTask;
            this.buckets = new KvBuckets(perTask);
            this.nodes = new long[3 * threads * perTask];
            this.used = new int[threads * 16];
        }

        @Override
        public void prepare(int threads) {
            buckets.prepare(threads);
        }

        public void put(int task, long key, long value) {
            long[] partition = buckets.forWrite(key);
            int headSlot = buckets.headSlot(key);
            KvBuckets.lock(partition, headSlot);
            try {
                long head = partition[headSlot];
                for (long n = head; n != 0; n = nodes[(int) (3 * n - 1)]) {
                    if (nodes[(int) (3 * n - 3)] == key) {
                        nodes[(int) (3 * n - 2)] = value;
                        return;
                    }
                }
                if (used[task * 16] == perTask) {
                    throw new IllegalStateException("task " + task + " used all " + perTask + " nodes");
                }
                long n = (long) task * perTask + used[task * 16]++ + 1;
                nodes[(int) (3 * n - 3)] = key;
                nodes[(int) (3 * n - 2)] = value;
                nodes[(int) (3 * n - 1)] = head;
                KvBuckets.publish(partition, headSlot, n);
            } finally {
                KvBuckets.unlock(partition, headSlot);
            }
        }

        public boolean get(long key, long[] out) {
            long[] partition = buckets.forRead(key);
            long n = partition == null ? 0 : KvBuckets.head(partition, buckets.headSlot(key));
            while (n != 0) {
                if (nodes[(int) (3 * n - 3)] == key) {
                    out[0] = nodes[(int) (3 * n - 2)];
                    return true;
                }
                n = nodes[(int) (3 * n - 1)];
            }
            return false;
        }
    }

    /** Puts task {@code task}'s first {@code count} keys with their values. */
    private static void putKeys(Store store, int task, int count) {
        for (int i = 0; i < count; i++) {
            long key = KvKeys.keyFor(task, i);
            store.put(task, key, KvKeys.valueFor(key));
        }
    }

    /** Reads {@code count} keys, each of which must hit with its value. */
    private static void readKeys(Store store, KvKeys.ReadKeys keys, int count) {
        long[] value = new long[1];
        for (int i = 0; i < count; i++) {
            long key = keys.next();
            if (!store.get(key, value)) {
                throw new IllegalStateException(KvKeys.missed(key));
            }
            if (value[0] != KvKeys.valueFor(key)) {
                throw new IllegalStateException(KvKeys.mismatch(key, value[0]));
            }
        }
    }

    /** Runs {@code body} for each task on a thread of its own and waits; rethrows the first failure. */
    private static void tasks(int threads, IntConsumer body) {
        Throwable failure = TaskThreads.run("kv-peer", threads, body, null);
        if (failure != null) {
            throw new IllegalStateException("a task failed", failure);
        }
    }

    /**
     * kv's workload on the store {@code stores} makes for {@code iterations} keys per task, after the untimed
     * warm-up kv runs: reads of a twentieth of the keys per round after the preload, or, in write mode, puts of a
     * twentieth of the keys into a scratch store per round.
     */
    static void measure(PeerReport report, String peer, int threads, int iterations, boolean write,
            IntFunction<Store> stores) {
        int warm = WarmUp.iterationsPerRound(iterations);
        try (Store store = stores.apply(iterations)) {
            if (write) {
                WarmUp.run(round -> {
                    try (Store scratch = stores.apply(warm)) {
                        tasks(threads, t -> putKeys(scratch, t, warm));
                    }
                });
                store.prepare(threads);
            } else {
                tasks(threads, t -> putKeys(store, t, iterations));
                WarmUp.run(round -> tasks(threads,
                        t -> readKeys(store, KvKeys.ReadKeys.warmUp(t, round, threads, iterations), warm)));
            }
            timed(report, peer, threads, iterations, write, store);
        }
    }

    private static void timed(PeerReport report, String peer, int threads, int iterations, boolean write,
            Store store) {
        WorkerBarrier barrier = new WorkerBarrier(threads);
        long[] start = new long[1];
        Throwable failure = TaskThreads.run("kv-peer", threads, task -> {
            barrier.await();
            if (task == 0) {
                start[0] = System.nanoTime();
            }
            barrier.await();
            if (write) {
                putKeys(store, task, iterations);
            } else {
                readKeys(store, new KvKeys.ReadKeys(task, threads, iterations), iterations);
            }
        }, barrier::breakBarrier);
        long end = System.nanoTime();
        if (failure != null) {
            throw new IllegalStateException(peer + " failed", failure);
        }
        double seconds = (end - start[0]) / 1e9;
        double ops = (double) iterations * threads;
        report.higher(peer, "throughput", ops / seconds, "ops/sec");
        report.lower(peer, "time", seconds, "s");
    }
}

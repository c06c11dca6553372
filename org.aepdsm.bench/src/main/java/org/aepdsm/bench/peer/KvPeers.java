package org.aepdsm.bench.peer;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;

import net.openhft.chronicle.map.ChronicleMap;
import org.aepdsm.bench.internal.KvBuckets;
import org.aepdsm.bench.internal.KvKeys;

/**
 * kv's workload over other maps, with the same keys, values, random read sequence and verification (all from
 * {@link KvKeys}, as kv's own): untimed preload by each task, then timed reads that must all hit (or, in write
 * mode, timed puts). Peers:
 * <ul>
 * <li>{@code concurrent-hash-map}: {@code ConcurrentHashMap<Long, Long>} presized for every key (boxed keys, as a
 * Java program would write it);</li>
 * <li>{@code chronicle-map}: an off-heap {@code ChronicleMap<Long, Long>} sized for every key;</li>
 * <li>{@code same-table-heap-nodes}: kv's own table (64 x 2^17 buckets, a lock per bucket for writers, lock-free
 * readers, chains of 24-byte nodes)
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

        @Override
        default void close() {
        }
    }

    static void run(PeerReport report, String[] a) {
        int threads = Integer.parseInt(a[0]);
        int iterations = Integer.parseInt(a[2]);
        boolean write = a[3].equals("write");
        long entries = (long) threads * iterations;
        report.attempt("concurrent-hash-map", () -> {
            ConcurrentHashMap<Long, Long> map = new ConcurrentHashMap<>((int) Math.min(entries * 4 / 3 + 16,
                    1 << 30));
            measure(report, "concurrent-hash-map", threads, iterations, write, new Store() {
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
            });
        });
        report.attempt("chronicle-map", () -> {
            ChronicleMap<Long, Long> map = ChronicleMap.of(Long.class, Long.class).name("aepdsm-kv-peer")
                    .entries(Math.max(entries, 1024)).create();
            try (Store s = new Store() {
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
                    map.close();
                }
            }) {
                measure(report, "chronicle-map", threads, iterations, write, s);
            }
        });
        report.attempt("same-table-heap-nodes", () -> {
            if (entries * 3 > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException(entries + " keys do not fit one long[] of nodes");
            }
            measure(report, "same-table-heap-nodes", threads, iterations, write, new HeapTable(threads, iterations));
        });
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

    /** Puts task {@code task}'s keys with their values. */
    private static void putKeys(Store store, int task, int iterations) {
        for (int i = 0; i < iterations; i++) {
            long key = KvKeys.keyFor(task, i);
            store.put(task, key, KvKeys.valueFor(key));
        }
    }

    static void measure(PeerReport report, String peer, int threads, int iterations, boolean write, Store store) {
        CyclicBarrier barrier = new CyclicBarrier(threads);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] start = new long[1];
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int task = t;
            ts[t] = new Thread(() -> {
                try {
                    if (!write) {
                        putKeys(store, task, iterations);
                    }
                    barrier.await();
                    if (task == 0) {
                        start[0] = System.nanoTime();
                    }
                    barrier.await();
                    if (write) {
                        putKeys(store, task, iterations);
                    } else {
                        KvKeys.ReadKeys keys = new KvKeys.ReadKeys(task, threads, iterations);
                        long[] value = new long[1];
                        for (int i = 0; i < iterations; i++) {
                            long key = keys.next();
                            if (!store.get(key, value)) {
                                throw new IllegalStateException(KvKeys.missed(key));
                            }
                            if (value[0] != KvKeys.valueFor(key)) {
                                throw new IllegalStateException(KvKeys.mismatch(key, value[0]));
                            }
                        }
                    }
                } catch (BrokenBarrierException e) {
                    failure.compareAndSet(null, new IllegalStateException("another task failed"));
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    barrier.reset();
                }
            });
            ts[t].start();
        }
        Spin.joinAll(ts, barrier, failure);
        long end = System.nanoTime();
        if (failure.get() != null) {
            throw new IllegalStateException(peer + " failed", failure.get());
        }
        double seconds = (end - start[0]) / 1e9;
        double ops = (double) iterations * threads;
        report.higher(peer, "throughput", ops / seconds, "ops/sec");
        report.lower(peer, "time", seconds, "s");
    }
}

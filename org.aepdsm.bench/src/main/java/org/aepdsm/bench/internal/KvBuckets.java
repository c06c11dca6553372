package org.aepdsm.bench.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * kv's bucket array, shared by the table over the allocator ({@code org.aepdsm.bench.KvTable}) and the peer that
 * keeps the same table's nodes on the heap ({@code org.aepdsm.bench.peer.KvPeers}). The key's top byte selects
 * one of 64 partitions, as in the original; its low {@link #bits()} bits select the bucket within it. A bucket is
 * two longs of one {@code long[]}: a lock word (0 free, 1 held) and the head of a chain (0 for none), so a put
 * touches one cache line before the nodes.
 *
 * <pre>
 *  partition(key) = (key >>> 56) & 63          partition p: long[2 * 2^bits]
 *  bucket(key)    = key & (2^bits - 1)           [2b]   lock word
 *                                                [2b+1] head --> node --> node --> 0
 * </pre>
 *
 * <p>The original gives every partition 2^17 buckets, so a task's million keys make chains of about eight nodes.
 * Here a partition has buckets for the keys one task puts ({@link #bitsFor}: the next power of two, at least
 * 2^17 and at most 2^21), so a chain holds about one node, as any hash table sized to its load does. Partitions
 * are created on their first put, so only the tasks' partitions take memory (16 MiB each for a million keys).
 *
 * <p>Thread-safe: partitions are published with a compare-and-set, heads with a release store under the bucket's
 * lock, and read with acquire.
 */
public final class KvBuckets {
    /** Partitions, selected by the key's top byte. */
    public static final int PARTITIONS = 64;
    /** Fewest bucket bits per partition: the original's 2^17 buckets. */
    public static final int MIN_BITS = 17;
    /** Most bucket bits per partition: 2^21 buckets, 32 MiB. */
    public static final int MAX_BITS = 21;
    /** Lock attempts that spin before a waiting writer starts yielding. */
    private static final int SPINS = 64;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final int bits;
    private final long mask;
    private final AtomicReferenceArray<long[]> partitions = new AtomicReferenceArray<>(PARTITIONS);

    /**
     * @param keysPerPartition how many keys one partition is expected to hold (kv: one task's iterations)
     * @throws IllegalArgumentException when it is not positive
     */
    public KvBuckets(int keysPerPartition) {
        this.bits = bitsFor(keysPerPartition);
        this.mask = (1L << bits) - 1;
    }

    /**
     * The bucket bits of a partition for {@code keys} keys: the bits of the next power of two, within
     * [{@link #MIN_BITS}, {@link #MAX_BITS}].
     *
     * @throws IllegalArgumentException when {@code keys} is not positive
     */
    public static int bitsFor(int keys) {
        if (keys <= 0) {
            throw new IllegalArgumentException("keys per partition must be positive: " + keys);
        }
        int ceil = 32 - Integer.numberOfLeadingZeros(keys - 1);
        return Math.max(MIN_BITS, Math.min(MAX_BITS, ceil));
    }

    /** Bucket bits of each partition. */
    public int bits() {
        return bits;
    }

    /** The partition of a key. */
    public static int partitionOf(long key) {
        return (int) (key >>> 56) & (PARTITIONS - 1);
    }

    /** The slot of a key's chain head in its partition's array. */
    public int headSlot(long key) {
        return 2 * (int) (key & mask) + 1;
    }

    /** The partition's array, or null when no key of it was ever put. */
    public long[] forRead(long key) {
        return partitions.get(partitionOf(key));
    }

    /** The partition's array, created when this is the partition's first put. */
    public long[] forWrite(long key) {
        int p = partitionOf(key);
        long[] a = partitions.get(p);
        if (a != null) {
            return a;
        }
        long[] created = new long[2 << bits];
        return partitions.compareAndSet(p, null, created) ? created : partitions.get(p);
    }

    /** Creates partitions 0 to {@code partitions - 1} ahead of their first puts, so the puts do not pay for them. */
    public void prepare(int partitions) {
        for (int p = 0; p < partitions; p++) {
            forWrite((long) p << 56);
        }
    }

    /** The head of the chain at {@code headSlot}, loaded with acquire. */
    public static long head(long[] partition, int headSlot) {
        return (long) SLOT.getAcquire(partition, headSlot);
    }

    /** Takes the lock of the bucket whose head is at {@code headSlot}. */
    public static void lock(long[] partition, int headSlot) {
        for (int attempt = 0; !SLOT.compareAndSet(partition, headSlot - 1, 0L, 1L); attempt++) {
            if (attempt < SPINS) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    /** Releases the lock of the bucket whose head is at {@code headSlot}. */
    public static void unlock(long[] partition, int headSlot) {
        SLOT.setRelease(partition, headSlot - 1, 0L);
    }

    /** Makes {@code node}, already complete, the head of the chain; the caller holds the bucket's lock. */
    public static void publish(long[] partition, int headSlot, long node) {
        SLOT.setRelease(partition, headSlot, node);
    }

    /**
     * Empties bucket {@code bucket} of partition {@code partition} under its lock.
     *
     * @return the chain's former head, 0 when it was empty or the partition holds nothing
     */
    public long detach(int partition, int bucket) {
        long[] a = partitions.get(partition);
        if (a == null) {
            return 0;
        }
        int headSlot = 2 * bucket + 1;
        lock(a, headSlot);
        try {
            long head = a[headSlot];
            a[headSlot] = 0;
            return head;
        } finally {
            unlock(a, headSlot);
        }
    }

    /** Buckets of each partition. */
    public int buckets() {
        return 1 << bits;
    }
}

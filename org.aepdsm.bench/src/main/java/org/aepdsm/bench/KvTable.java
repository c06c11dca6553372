package org.aepdsm.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import org.aepdsm.bench.internal.PoolBytes;

/**
 * kv's hash table, laid out as the original's: 64 partitions of 2^17 buckets, each bucket a lock and the head of a
 * chain of nodes with head insertion. The nodes are allocator objects of 24 bytes; the buckets stay in host memory,
 * as the original's {@code calloc}ed bucket array does.
 *
 * <pre>
 *  bucket(key) = ((key >>> 56) & 63) * 2^17 + (key & (2^17 - 1))
 *
 *  buckets[2b]   lock word (0 free, 1 held)       node (allocator object, 24 B):
 *  buckets[2b+1] head --> node --> node --> 0       +0  u64 key
 *                                                   +8  u64 value
 *                                                   +16 u64 next (handle of the next node, 0 ends the chain)
 * </pre>
 * A bucket's lock word and head share a cache line, as the original's {@code {mutex, head}} bucket does, so a put
 * touches one line of host memory before the nodes.
 *
 * <p>Invariants: a chain is changed only under its bucket's lock. A node's key and next are written before the
 * node is published as the head (a release store) and never change afterwards; a put of a present key overwrites
 * only the value. So a reader needs no lock: it loads the head with acquire and walks nodes that are complete and
 * stay linked, as {@link java.util.concurrent.ConcurrentHashMap}'s {@code get} walks its bins. Nodes leave a chain
 * only in {@link #freePartition}.
 *
 * <p>Thread-safe for concurrent {@link #put} and {@link #get}; a client id passed to {@link #put} must be used by
 * one thread at a time. {@link #freePartition} frees nodes, so no {@link #get} or {@link #put} may run on that
 * partition meanwhile (kv frees after its workers have joined).
 */
public final class KvTable {
    /** Partitions, selected by the key's top byte. */
    public static final int PARTITIONS = 64;
    /** Bits of the bucket index within a partition. */
    public static final int HASH_BITS = 17;
    /** Buckets per partition. */
    public static final int BUCKETS = 1 << HASH_BITS;
    /** Bytes of a node. */
    public static final int NODE_BYTES = 24;
    private static final long KEY = 0;
    private static final long VALUE = 8;
    private static final long NEXT = 16;
    /** Lock attempts that spin before a waiting writer starts yielding. */
    private static final int SPINS = 64;

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final EntryCalls calls;
    private final PoolBytes bytes;
    private final long[] buckets = new long[2 * PARTITIONS * BUCKETS];

    /**
     * @param calls the entry the nodes are allocated through
     * @param bytes the entry's object memory
     */
    public KvTable(EntryCalls calls, PoolBytes bytes) {
        this.calls = calls;
        this.bytes = bytes;
    }

    /** The bucket index of a key. */
    public static int bucketOf(long key) {
        return (int) (((key >>> 56) & (PARTITIONS - 1)) * BUCKETS + (key & (BUCKETS - 1)));
    }

    private void lock(int lockSlot) {
        for (int attempt = 0; !SLOT.compareAndSet(buckets, lockSlot, 0L, 1L); attempt++) {
            if (attempt < SPINS) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    private void unlock(int lockSlot) {
        SLOT.setRelease(buckets, lockSlot, 0L);
    }

    /** Stores {@code value} under {@code key}, allocating a node as {@code client} when the key is new. */
    public void put(int client, long key, long value) {
        int lockSlot = 2 * bucketOf(key);
        int headSlot = lockSlot + 1;
        lock(lockSlot);
        try {
            long head = buckets[headSlot];
            for (long n = head; n != 0; n = bytes.getLong(n, NEXT)) {
                if (bytes.getLong(n, KEY) == key) {
                    bytes.setLong(n, VALUE, value);
                    return;
                }
            }
            long node = calls.malloc(client, NODE_BYTES, 0);
            long at = PoolBytes.offsetOf(node);
            bytes.setLongAt(at + KEY, key);
            bytes.setLongAt(at + VALUE, value);
            bytes.setLongAt(at + NEXT, head);
            SLOT.setRelease(buckets, headSlot, node);
        } finally {
            unlock(lockSlot);
        }
    }

    /**
     * Looks {@code key} up.
     *
     * @param value receives the value in {@code value[0]} when found
     * @return whether the key is present
     */
    public boolean get(long key, long[] value) {
        long n = (long) SLOT.getAcquire(buckets, 2 * bucketOf(key) + 1);
        while (n != 0) {
            long at = PoolBytes.offsetOf(n);
            if (bytes.longAt(at + KEY) == key) {
                value[0] = bytes.longAt(at + VALUE);
                return true;
            }
            n = bytes.longAt(at + NEXT);
        }
        return false;
    }

    /**
     * Frees every node of one partition as {@code client} and empties its buckets.
     *
     * @return nodes freed
     */
    public long freePartition(int partition, int client) {
        long freed = 0;
        int from = partition * BUCKETS;
        for (int b = from; b < from + BUCKETS; b++) {
            int lockSlot = 2 * b;
            long n;
            lock(lockSlot);
            try {
                n = buckets[lockSlot + 1];
                buckets[lockSlot + 1] = 0;
            } finally {
                unlock(lockSlot);
            }
            while (n != 0) {
                long next = bytes.getLong(n, NEXT);
                calls.free(client, n);
                freed++;
                n = next;
            }
        }
        return freed;
    }
}

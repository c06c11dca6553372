package org.aepdsm.bench;

import org.aepdsm.bench.internal.KvBuckets;
import org.aepdsm.bench.internal.PoolBytes;

/**
 * kv's hash table: the original's 64 partitions of buckets, each bucket a lock and the head of a chain of nodes
 * with head insertion. The nodes are allocator objects of 24 bytes; the buckets ({@link KvBuckets}) stay in host
 * memory, as the original's {@code calloc}ed bucket array does, and a partition has as many buckets as the keys
 * one task puts (the original's fixed 2^17 make chains of about eight nodes for a million keys).
 *
 * <pre>
 *  partition(key) = (key >>> 56) & 63, bucket(key) = key & (buckets - 1)
 *
 *  lock word (0 free, 1 held)                       node (allocator object, 24 B):
 *  head --> node --> node --> 0                     +0  u64 key
 *                                                   +8  u64 value
 *                                                   +16 u64 next (handle of the next node, 0 ends the chain)
 * </pre>
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
    /** Bytes of a node. */
    public static final int NODE_BYTES = 24;
    private static final long KEY = 0;
    private static final long VALUE = 8;
    private static final long NEXT = 16;

    private final EntryCalls calls;
    private final PoolBytes bytes;
    private final KvBuckets buckets;

    /**
     * @param calls            the entry the nodes are allocated through
     * @param bytes            the entry's object memory
     * @param keysPerPartition how many keys one partition is expected to hold, which sizes its buckets
     */
    public KvTable(EntryCalls calls, PoolBytes bytes, int keysPerPartition) {
        this(calls, bytes, new KvBuckets(keysPerPartition));
    }

    private KvTable(EntryCalls calls, PoolBytes bytes, KvBuckets buckets) {
        this.calls = calls;
        this.bytes = bytes;
        this.buckets = buckets;
    }

    /** The same table, its nodes allocated and freed through calls made for the calling thread. */
    public KvTable onThisThread() {
        return new KvTable(calls.onThisThread(), bytes, buckets);
    }

    /** Bucket bits of each partition. */
    public int bucketBits() {
        return buckets.bits();
    }

    /** Creates the buckets of partitions 0 to {@code partitions - 1} ahead of their first puts. */
    public void prepare(int partitions) {
        buckets.prepare(partitions);
    }

    /** Stores {@code value} under {@code key}, allocating a node as {@code client} when the key is new. */
    public void put(int client, long key, long value) {
        long[] partition = buckets.forWrite(key);
        int headSlot = buckets.headSlot(key);
        KvBuckets.lock(partition, headSlot);
        try {
            long head = partition[headSlot];
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
            KvBuckets.publish(partition, headSlot, node);
        } finally {
            KvBuckets.unlock(partition, headSlot);
        }
    }

    /**
     * Looks {@code key} up.
     *
     * @param value receives the value in {@code value[0]} when found
     * @return whether the key is present
     */
    public boolean get(long key, long[] value) {
        long[] partition = buckets.forRead(key);
        if (partition == null) {
            return false;
        }
        long n = KvBuckets.head(partition, buckets.headSlot(key));
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
        for (int b = 0; b < buckets.buckets(); b++) {
            long n = buckets.detach(partition, b);
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

package org.aepdsm.bench;

import org.aepdsm.bench.internal.PoolBytes;

/**
 * kv's hash table, laid out as the original's: 64 partitions of 2^17 buckets, each bucket a chain of nodes with
 * head insertion. The nodes are allocator objects of 24 bytes; the bucket heads stay in host memory.
 *
 * <pre>
 *  bucket(key) = ((key >>> 56) & 63) * 2^17 + (key & (2^17 - 1))
 *
 *  heads[bucket] --> node --> node --> 0         node (allocator object, 24 B):
 *                                                 +0  u64 key
 *                                                 +8  u64 value
 *                                                 +16 u64 next (handle of the next node, 0 ends the chain)
 * </pre>
 * Invariant: a chain is changed and walked only under its bucket's lock. The original has a mutex per bucket;
 * here {@value #STRIPES} locks are striped over the buckets, so two buckets may share a lock but never a chain.
 *
 * <p>Thread-safe; a client id passed to {@link #put} must be used by one thread at a time.
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
    private static final int STRIPES = 1 << 14;
    private static final long KEY = 0;
    private static final long VALUE = 8;
    private static final long NEXT = 16;

    private final EntryCalls calls;
    private final PoolBytes bytes;
    private final long[] heads = new long[PARTITIONS * BUCKETS];
    private final Object[] locks = new Object[STRIPES];

    /**
     * @param calls the entry the nodes are allocated through
     * @param bytes the entry's object memory
     */
    public KvTable(EntryCalls calls, PoolBytes bytes) {
        this.calls = calls;
        this.bytes = bytes;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    /** The bucket index of a key. */
    public static int bucketOf(long key) {
        return (int) (((key >>> 56) & (PARTITIONS - 1)) * BUCKETS + (key & (BUCKETS - 1)));
    }

    /** Stores {@code value} under {@code key}, allocating a node as {@code client} when the key is new. */
    public void put(int client, long key, long value) {
        int b = bucketOf(key);
        synchronized (locks[b & (STRIPES - 1)]) {
            for (long n = heads[b]; n != 0; n = bytes.getLong(n, NEXT)) {
                if (bytes.getLong(n, KEY) == key) {
                    bytes.setLong(n, VALUE, value);
                    return;
                }
            }
            long node = calls.malloc(client, NODE_BYTES, 0);
            bytes.setLong(node, KEY, key);
            bytes.setLong(node, VALUE, value);
            bytes.setLong(node, NEXT, heads[b]);
            heads[b] = node;
        }
    }

    /**
     * Looks {@code key} up.
     *
     * @param value receives the value in {@code value[0]} when found
     * @return whether the key is present
     */
    public boolean get(long key, long[] value) {
        int b = bucketOf(key);
        synchronized (locks[b & (STRIPES - 1)]) {
            for (long n = heads[b]; n != 0; n = bytes.getLong(n, NEXT)) {
                if (bytes.getLong(n, KEY) == key) {
                    value[0] = bytes.getLong(n, VALUE);
                    return true;
                }
            }
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
            synchronized (locks[b & (STRIPES - 1)]) {
                long n = heads[b];
                heads[b] = 0;
                while (n != 0) {
                    long next = bytes.getLong(n, NEXT);
                    calls.free(client, n);
                    freed++;
                    n = next;
                }
            }
        }
        return freed;
    }
}

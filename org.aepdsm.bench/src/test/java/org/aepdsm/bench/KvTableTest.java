package org.aepdsm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.aepdsm.api.ownership.GlobalRef;
import org.aepdsm.bench.internal.KvBuckets;
import org.aepdsm.bench.internal.KvKeys;
import org.aepdsm.bench.internal.PoolBytes;
import org.junit.jupiter.api.Test;

/**
 * kv's table keeps every key it was given in allocator objects, finds keys that share a bucket, lets readers run
 * beside writers without a lock and without ever seeing a wrong value, and frees one partition's nodes alone.
 */
class KvTableTest {
    private final HeapEntry entry = new HeapEntry(32 << 20, 0xffffe8fffd801000L, false);
    private final KvTable table = new KvTable(new EntryCalls(entry), new PoolBytes(entry.memory()), 1000);
    private final KvBuckets buckets = new KvBuckets(1000);

    /** Keys of one partition that all fall into bucket 5 of it. */
    private long colliding(int partition, int i) {
        return ((long) partition << 56) | ((long) i << table.bucketBits()) | 5;
    }

    @Test
    void everyPutKeyIsFoundWithItsValueAndAbsentKeysAreNot() {
        for (int i = 0; i < 1000; i++) {
            long key = KvKeys.keyFor(i % 3, i);
            table.put(1 + i % 3, key, KvKeys.valueFor(key));
        }
        long[] value = new long[1];
        for (int i = 0; i < 1000; i++) {
            long key = KvKeys.keyFor(i % 3, i);
            assertTrue(table.get(key, value), "key 0x" + Long.toHexString(key));
            assertEquals(KvKeys.valueFor(key), value[0]);
        }
        value[0] = 17;
        assertFalse(table.get(KvKeys.keyFor(0, 5000), value));
        assertFalse(table.get(KvKeys.keyFor(9, 0), value), "a partition nothing was put into");
        assertEquals(17, value[0], "a miss leaves the out value alone");
        assertEquals(1000, entry.live(), "one allocator object per key");
    }

    @Test
    void keysSharingABucketChainAndEachIsFound() {
        for (int i = 0; i < 50; i++) {
            assertEquals(buckets.headSlot(colliding(2, 0)), buckets.headSlot(colliding(2, i)));
            table.put(1, colliding(2, i), i * 10L);
        }
        long[] value = new long[1];
        for (int i = 0; i < 50; i++) {
            assertTrue(table.get(colliding(2, i), value));
            assertEquals(i * 10L, value[0]);
        }
    }

    @Test
    void putOfAPresentKeyOverwritesTheValueWithoutANewNode() {
        long key = colliding(1, 3);
        table.put(1, colliding(1, 1), 1);
        table.put(1, key, 2);
        table.put(1, colliding(1, 2), 3);
        table.put(1, key, 99);
        long[] value = new long[1];
        assertTrue(table.get(key, value));
        assertEquals(99, value[0]);
        assertEquals(3, entry.live());
    }

    @Test
    void nodesLiveInThePoolWithTheOriginalsLayout() {
        long key = KvKeys.keyFor(0, 0);
        table.put(1, key, 0x1234);
        table.put(1, key | (1L << table.bucketBits()), 0x5678);
        long[] value = new long[1];
        assertTrue(table.get(key, value));
        PoolBytes bytes = new PoolBytes(entry.memory());
        long newer = -1;
        for (long at = 0; at + 24 <= entry.memory().byteSize(); at += 8) {
            if (bytes.longAt(at) == (key | (1L << table.bucketBits())) && bytes.longAt(at + 8) == 0x5678) {
                newer = at;
                break;
            }
        }
        assertTrue(newer >= 0, "the newer node's key and value are in the pool");
        long next = bytes.longAt(newer + 16);
        assertEquals(key, bytes.longAt(GlobalRef.offsetOf(next)), "its next is the handle of the older node");
        assertEquals(0x1234, bytes.longAt(GlobalRef.offsetOf(next) + 8));
        assertEquals(0, bytes.longAt(GlobalRef.offsetOf(next) + 16), "the older node ends the chain");
    }

    @Test
    void readersBesideWritersOnOneChainNeverSeeAWrongValueAndFindAllKeysAfterwards()
            throws InterruptedException {
        int writers = 3;
        int perWriter = 400;
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<String> wrong = new AtomicReference<>();
        Thread[] threads = new Thread[writers + 2];
        for (int w = 0; w < writers; w++) {
            int client = w + 1;
            threads[w] = new Thread(() -> {
                for (int i = 0; i < perWriter; i++) {
                    long key = colliding(client, i);
                    table.put(client, key, KvKeys.valueFor(key));
                }
            }, "writer-" + w);
        }
        for (int r = writers; r < threads.length; r++) {
            threads[r] = new Thread(() -> {
                long[] value = new long[1];
                long seed = 0x5eedL;
                while (writing.get()) {
                    seed = KvKeys.next(seed);
                    int client = 1 + (int) Long.remainderUnsigned(seed, writers);
                    long key = colliding(client, (int) Long.remainderUnsigned(seed >>> 8, perWriter));
                    if (table.get(key, value) && value[0] != KvKeys.valueFor(key)) {
                        wrong.compareAndSet(null, "key 0x" + Long.toHexString(key) + " read 0x"
                                + Long.toHexString(value[0]) + " (seed 0x5eed)");
                    }
                }
            }, "reader-" + r);
        }
        for (Thread t : threads) {
            t.start();
        }
        for (int w = 0; w < writers; w++) {
            threads[w].join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(threads[w].isAlive(), "writer " + w + " still running after 30 s");
        }
        writing.set(false);
        for (int r = writers; r < threads.length; r++) {
            threads[r].join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(threads[r].isAlive(), "reader " + r + " still running after 30 s");
        }
        assertNull(wrong.get());
        long[] value = new long[1];
        for (int client = 1; client <= writers; client++) {
            for (int i = 0; i < perWriter; i++) {
                long key = colliding(client, i);
                assertTrue(table.get(key, value), "key 0x" + Long.toHexString(key));
                assertEquals(KvKeys.valueFor(key), value[0]);
            }
        }
    }

    @Test
    void freePartitionFreesThatPartitionsNodesAndNoOthers() {
        for (int i = 0; i < 300; i++) {
            table.put(1, KvKeys.keyFor(0, i), i);
            table.put(2, KvKeys.keyFor(1, i), i);
        }
        assertEquals(600, entry.live());
        assertEquals(300, table.freePartition(0, 1));
        assertEquals(300, entry.live());
        long[] value = new long[1];
        assertFalse(table.get(KvKeys.keyFor(0, 7), value));
        assertTrue(table.get(KvKeys.keyFor(1, 7), value));
        assertEquals(7, value[0]);
        assertEquals(0, table.freePartition(0, 1), "an emptied partition frees nothing");
    }
}

package org.aepdsm.bench.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;

import org.junit.jupiter.api.Test;

/**
 * kv's buckets are sized to the keys a partition holds (never fewer than the original's 2^17, never more than
 * 2^21), give every key of a task its own bucket when sized for that task, take memory only for partitions that
 * were written or prepared, and hand a bucket's chain over when detached.
 */
class KvBucketsTest {
    @Test
    void bucketsAreTheNextPowerOfTwoOfTheKeysWithinTheBounds() {
        assertEquals(KvBuckets.MIN_BITS, KvBuckets.bitsFor(1));
        assertEquals(KvBuckets.MIN_BITS, KvBuckets.bitsFor(1 << 17));
        assertEquals(18, KvBuckets.bitsFor((1 << 17) + 1));
        assertEquals(20, KvBuckets.bitsFor(1_000_000));
        assertEquals(20, KvBuckets.bitsFor(1 << 20));
        assertEquals(KvBuckets.MAX_BITS, KvBuckets.bitsFor(Integer.MAX_VALUE));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KvBuckets.bitsFor(0));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
    }

    @Test
    void aTasksMillionKeysEachGetTheirOwnBucket() {
        KvBuckets buckets = new KvBuckets(1_000_000);
        BitSet seen = new BitSet();
        for (int i = 0; i < 1_000_000; i++) {
            int slot = buckets.headSlot(KvKeys.keyFor(3, i));
            assertFalse(seen.get(slot), "key " + i + " shares head slot " + slot);
            seen.set(slot);
        }
    }

    @Test
    void onlyWrittenOrPreparedPartitionsExistAndAWriteFindsTheSameArrayAgain() {
        KvBuckets buckets = new KvBuckets(100);
        long key = KvKeys.keyFor(5, 7);
        assertNull(buckets.forRead(key), "no partition before its first put");
        long[] created = buckets.forWrite(key);
        assertEquals(2 << KvBuckets.MIN_BITS, created.length);
        assertSame(created, buckets.forWrite(KvKeys.keyFor(5, 9)));
        assertSame(created, buckets.forRead(key));
        assertNull(buckets.forRead(KvKeys.keyFor(6, 7)), "other partitions stay absent");
        assertEquals(0, buckets.detach(6, 0), "detaching from an absent partition finds nothing");
        buckets.prepare(3);
        for (int p = 0; p < 3; p++) {
            assertNotNull(buckets.forRead(KvKeys.keyFor(p, 0)), "prepared partition " + p);
        }
        assertNull(buckets.forRead(KvKeys.keyFor(3, 0)), "prepare(3) stops at partition 2");
    }

    @Test
    void detachReturnsTheHeadAndEmptiesTheBucketUnlocked() {
        KvBuckets buckets = new KvBuckets(100);
        long key = KvKeys.keyFor(2, 40);
        long[] partition = buckets.forWrite(key);
        int slot = buckets.headSlot(key);
        KvBuckets.lock(partition, slot);
        KvBuckets.publish(partition, slot, 0x77);
        KvBuckets.unlock(partition, slot);
        assertEquals(0x77, KvBuckets.head(partition, slot));
        assertEquals(0x77, buckets.detach(2, (slot - 1) / 2));
        assertEquals(0, KvBuckets.head(partition, slot));
        assertEquals(0, partition[slot - 1], "the lock is free again");
        assertNotNull(buckets.forRead(key));
    }
}

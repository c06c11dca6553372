package org.aepdsm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.ownership.GlobalRef;
import org.aepdsm.bench.internal.PoolBytes;
import org.junit.jupiter.api.Test;

/**
 * transfer_bench's receiver walk visits every node of a tree in the pool in preorder, checks each, folds each once,
 * and ends on a damaged tree instead of looping.
 */
class TreeWalkTest {
    private static final long NODE_STRIDE = 64;

    private final MemorySegment pool = MemorySegment.ofArray(new long[1 << 16]);
    private final PoolBytes bytes = new PoolBytes(pool);
    private long next = NODE_STRIDE;

    /** A node in the original's layout, tagged as the allocator tags handles. */
    private long node(long index, long left, long right) {
        long at = next;
        next += NODE_STRIDE;
        bytes.setLongAt(at, left);
        bytes.setLongAt(at + 8, right);
        bytes.setLongAt(at + 16, index);
        bytes.setLongAt(at + 24, TransferBench.checksumFor(index));
        return GlobalRef.of(3, at).value();
    }

    /** A complete tree numbered as the benchmark numbers it: root 1, children 2i and 2i+1. */
    private long complete(int depth, long index) {
        if (depth == 0) {
            return node(index, 0, 0);
        }
        long left = complete(depth - 1, index * 2);
        long right = complete(depth - 1, index * 2 + 1);
        return node(index, left, right);
    }

    private static long fold(long firstIndex, long lastIndex) {
        long f = 0;
        for (long i = firstIndex; i <= lastIndex; i++) {
            f ^= TransferBench.checksumFor(i) + i;
        }
        return f;
    }

    @Test
    void visitsEveryNodeOnceAndFoldsEachChecksumWithItsIndex() {
        long root = complete(6, 1);
        TransferBench.TreeWalk walk = new TransferBench.TreeWalk(bytes);
        assertEquals(127, walk.walk(root, 127));
        assertEquals(fold(1, 127), walk.sum());
        assertEquals(127, walk.walk(root, 127), "a reused walk starts afresh");
        assertEquals(fold(1, 127), walk.sum());
    }

    @Test
    void reportsTheFirstDamagedNodeInPreorder() {
        long root = complete(2, 1);
        for (long at = NODE_STRIDE; at < next; at += NODE_STRIDE) {
            long index = bytes.longAt(at + 16);
            if (index == 3 || index == 5) {
                bytes.setLongAt(at + 24, bytes.longAt(at + 24) ^ 0x40);
            }
        }
        AepException e = assertThrows(AepException.class, () -> new TransferBench.TreeWalk(bytes).walk(root, 7));
        assertEquals(Errno.EIO, e.errno());
        assertEquals("EIO: tree node checksum mismatch at index 5", e.getMessage(),
                "preorder 1, 2, 4, 5, 3: node 5 is met before node 3");
    }

    @Test
    void aCycleThroughTheSlotsStopsOneNodePastTheLimit() {
        long child = node(2, 0, 0);
        long root = node(1, child, 0);
        bytes.setLongAt(GlobalRef.offsetOf(child), root);
        assertEquals(8, new TransferBench.TreeWalk(bytes).walk(root, 7));
    }

    @Test
    void keepsAsManyPendingRightChildrenAsTheTreeNeeds() {
        long spine = 0;
        for (int i = 0; i < 300; i++) {
            long leaf = node(1000 + i, 0, 0);
            spine = node(i, spine, leaf);
        }
        TransferBench.TreeWalk walk = new TransferBench.TreeWalk(bytes);
        assertEquals(600, walk.walk(spine, 600));
        assertEquals(fold(0, 299) ^ fold(1000, 1299), walk.sum());
    }
}

package org.aepdsm.backend.sim.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.FrameRun;
import org.aepdsm.testkit.Errors;
import org.junit.jupiter.api.Test;

class BuddyAllocatorTest {
    @Test
    void splitsTheSmallestBlockAndCoalescesBackToOneBlock() {
        BuddyAllocator b = new BuddyAllocator(1024, 10);
        long a = b.allocate(0);
        assertEquals(0, a, "lowest half kept on every split");
        assertEquals(List.of(new FrameRun(1, 1023)), b.freeRuns());
        long c = b.allocate(0);
        assertEquals(1, c, "the buddy split off first is taken next");
        b.free(a, 0);
        b.free(c, 0);
        assertEquals(1024, b.freeFrames());
        assertEquals(0, b.allocate(10), "everything coalesced into the single order-10 block");
    }

    @Test
    void aPoolThatIsNotAPowerOfTwoIsCoveredByAlignedBlocks() {
        BuddyAllocator b = new BuddyAllocator(1000, 18);
        assertEquals(List.of(new FrameRun(0, 1000)), b.freeRuns());
        assertEquals(0, b.allocate(9));
        assertEquals(-1, b.allocate(9), "the rest (488 frames) holds no order-9 block");
        assertEquals(512, b.allocate(8));
        assertEquals(1000 - 768, b.freeFrames());
    }

    @Test
    void misuseIsRecognisedExactlyAndChangesNothing() {
        BuddyAllocator b = new BuddyAllocator(256, 8);
        long f = b.allocate(3);
        Errors.assertErrno(Errno.EINVAL, "order 3", () -> b.free(f, 2));
        Errors.assertErrno(Errno.EINVAL, "inside the allocated block at frame " + f, () -> b.free(f + 4, 2));
        Errors.assertErrno(Errno.EINVAL, "not aligned", () -> b.free(f + 1, 3));
        Errors.assertErrno(Errno.EINVAL, "frame 200 is not allocated", () -> b.free(200, 0));
        Errors.assertErrno(Errno.EINVAL, "order 9", () -> b.allocate(9));
        assertEquals(248, b.freeFrames());
        b.free(f, 3);
        Errors.assertErrno(Errno.EINVAL, "frame " + f, () -> b.free(f, 3));
        assertEquals(256, b.freeFrames());
    }

    @Test
    void allocateAtCarvesTheBlockOutOfALargerFreeBlock() {
        BuddyAllocator b = new BuddyAllocator(64, 6);
        assertEquals(37, b.allocateAt(37, 0));
        assertTrue(b.isAllocated(37));
        assertEquals(List.of(new FrameRun(0, 37), new FrameRun(38, 26)), b.freeRuns());
        Errors.assertErrno(Errno.EBUSY, "frame 37", () -> b.allocateAt(36, 2));
        b.free(37, 0);
        assertEquals(0, b.allocate(6), "the pieces coalesced again");
    }

    @Test
    void runsAreCutIntoAlignedBlocksAndFreedTheSameWay() {
        BuddyAllocator b = new BuddyAllocator(4096, 18);
        b.allocate(0);
        long first = b.allocateRun(1000);
        assertEquals(1, first);
        for (long f = first; f < first + 1000; f++) {
            assertTrue(b.isAllocated(f));
        }
        assertFalse(b.isAllocated(first + 1000));
        b.freeRun(first, 1000);
        assertEquals(4095, b.freeFrames());
        assertEquals(List.of(new FrameRun(1, 4095)), b.freeRuns());
    }

    @Test
    void randomAllocationsNeverOverlapAndAlwaysCoalesceBack() {
        long seed = 42;
        SplittableRandom r = new SplittableRandom(seed);
        BuddyAllocator b = new BuddyAllocator(3000, 10);
        boolean[] used = new boolean[3000];
        List<long[]> live = new ArrayList<>();
        for (int step = 0; step < 5000; step++) {
            if (live.isEmpty() || r.nextInt(3) > 0) {
                int order = r.nextInt(6);
                long f = b.allocate(order);
                if (f < 0) {
                    continue;
                }
                assertEquals(0, f % (1L << order), "seed " + seed + ": aligned");
                for (long i = f; i < f + (1L << order); i++) {
                    assertFalse(used[(int) i], "seed " + seed + ": frame " + i + " handed out twice");
                    used[(int) i] = true;
                }
                live.add(new long[] {f, order});
            } else {
                long[] blk = live.remove(r.nextInt(live.size()));
                b.free(blk[0], (int) blk[1]);
                for (long i = blk[0]; i < blk[0] + (1L << blk[1]); i++) {
                    used[(int) i] = false;
                }
            }
        }
        for (long[] blk : live) {
            b.free(blk[0], (int) blk[1]);
        }
        assertEquals(3000, b.freeFrames(), "seed " + seed);
        assertEquals(List.of(new FrameRun(0, 3000)), b.freeRuns(), "seed " + seed);
        assertEquals(0, b.allocate(10), "seed " + seed + ": fully coalesced");
    }
}

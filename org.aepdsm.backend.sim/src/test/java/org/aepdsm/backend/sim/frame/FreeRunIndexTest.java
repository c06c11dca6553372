package org.aepdsm.backend.sim.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.aepdsm.api.memory.FrameRun;
import org.junit.jupiter.api.Test;

class FreeRunIndexTest {
    private static FreeRunIndex follow(BuddyAllocator b) {
        FreeRunIndex index = new FreeRunIndex(b.freeRuns());
        b.setObserver(index);
        return index;
    }

    @Test
    void followsTheBuddyThroughRandomAllocationsAndFrees() {
        long seed = 7;
        SplittableRandom r = new SplittableRandom(seed);
        BuddyAllocator b = new BuddyAllocator(5000, 10);
        b.allocate(3);
        FreeRunIndex index = follow(b);
        List<long[]> live = new ArrayList<>();
        for (int step = 0; step < 4000; step++) {
            if (live.isEmpty() || r.nextInt(3) > 0) {
                int order = r.nextInt(5);
                long f = r.nextBoolean() ? b.allocate(order) : tryAt(b, r.nextLong(5000) & -(1L << order), order);
                if (f >= 0) {
                    live.add(new long[] {f, order});
                }
            } else {
                long[] blk = live.remove(r.nextInt(live.size()));
                b.free(blk[0], (int) blk[1]);
            }
            assertEquals(b.freeRuns(), index.runs(), "seed " + seed + ", step " + step);
        }
        for (long[] blk : live) {
            b.free(blk[0], (int) blk[1]);
        }
        assertEquals(b.freeRuns(), index.runs(), "seed " + seed + " after freeing everything");
    }

    private static long tryAt(BuddyAllocator b, long frame, int order) {
        if (frame + (1L << order) > b.frames() || b.firstAllocatedIn(frame, 1L << order) >= 0) {
            return -1;
        }
        return b.allocateAt(frame, order);
    }

    @Test
    void nextFitTakesTheFirstRunLongEnoughFromTheRover() {
        BuddyAllocator b = new BuddyAllocator(1024, 10);
        FreeRunIndex index = follow(b);
        // free runs: [0,10) [20,120) [200,230) [300,1024) after taking the gaps
        takeRange(b, 10, 20);
        takeRange(b, 120, 200);
        takeRange(b, 230, 300);
        assertEquals(List.of(new FrameRun(0, 10), new FrameRun(20, 100), new FrameRun(200, 30),
                new FrameRun(300, 724)), index.runs());
        assertEquals(20, index.nextFit(50, 0), "[0,10) is too short");
        assertEquals(70, index.rover(), "the rover moves past the frames reserved");
        assertEquals(300, index.nextFit(60, 0), "next fit, not first fit: [20,120) holds only 50 from the rover");
        assertEquals(360, index.nextFit(600, 0), "the rest of the run the rover is in");
        assertEquals(20, index.nextFit(100, 0), "64 frames are left after the rover: the search wraps around");
        assertEquals(120, index.rover());
    }

    @Test
    void whenNoRunIsLongEnoughTheLongestIsChosen() {
        BuddyAllocator b = new BuddyAllocator(1024, 10);
        FreeRunIndex index = follow(b);
        takeRange(b, 0, 1024);
        freeRange(b, 100, 140);
        freeRange(b, 500, 800);
        freeRange(b, 900, 950);
        assertEquals(500, index.nextFit(5000, 0));
        assertEquals(800, index.rover(), "the whole run was chosen");
    }

    @Test
    void alignedBlocksForLargerOrders() {
        BuddyAllocator b = new BuddyAllocator(4096, 12);
        FreeRunIndex index = follow(b);
        takeRange(b, 0, 4096);
        freeRange(b, 100, 600);
        assertEquals(-1, index.nextFit(512, 9), "500 free frames hold no aligned 512-frame block");
        freeRange(b, 1000, 1600);
        assertEquals(1024, index.nextFit(512, 9));
        assertEquals(104, index.nextFit(100, 3), "64 frames after the rover; wrapping, aligned to 8");
        assertTrue(index.isFree(1024, 512));
        assertFalse(index.isFree(600, 1));
    }

    private static void takeRange(BuddyAllocator b, long from, long to) {
        for (long f = from; f < to; f++) {
            b.allocateAt(f, 0);
        }
    }

    private static void freeRange(BuddyAllocator b, long from, long to) {
        for (long f = from; f < to; f++) {
            b.free(f, 0);
        }
    }
}

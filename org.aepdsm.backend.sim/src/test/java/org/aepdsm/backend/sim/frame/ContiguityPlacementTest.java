package org.aepdsm.backend.sim.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The policy over a plain buddy allocator, without a machine. */
class ContiguityPlacementTest {
    /** Frames over a buddy allocator; {@code runsFit} false makes every next-fit search fail. */
    private static final class BuddyFrames implements ContiguityPlacement.Frames {
        final BuddyAllocator buddy;
        final FreeRunIndex index;
        boolean runsFit = true;

        BuddyFrames(long frames) {
            buddy = new BuddyAllocator(frames, 10);
            index = new FreeRunIndex(buddy.freeRuns());
            buddy.setObserver(index);
        }

        @Override
        public long nextFit(long wanted, int order) {
            return runsFit ? index.nextFit(wanted, order) : -1;
        }

        @Override
        public long tryAllocateAt(long frame, int order) {
            if (frame + (1L << order) > buddy.frames() || buddy.firstAllocatedIn(frame, 1L << order) >= 0) {
                return -1;
            }
            return buddy.allocateAt(frame, order);
        }

        @Override
        public long allocate(int order) {
            return buddy.allocate(order);
        }
    }

    @Test
    void everyPageOfAVmaKeepsTheOffsetOfItsFirstFault() {
        BuddyFrames frames = new BuddyFrames(4096);
        frames.buddy.allocateAt(0, 0);
        ContiguityPlacement ca = new ContiguityPlacement(frames);
        long start = 0x10000;
        long first = ca.place(start, 100, start + 40, 0);
        assertEquals(1 + 40, first, "the VMA's start goes to the run's start, frame 1");
        for (long p = 0; p < 100; p++) {
            if (p != 40) {
                assertEquals(1 + p, ca.place(start, 100, start + p, 0));
            }
        }
        assertEquals(1, ca.records(start, 100).size());
        assertEquals(new ContiguityPlacement.Counts(99, 1, 0), ca.counts());
    }

    @Test
    void aTakenTargetStartsANewRecordAtTheFaultingPage() {
        BuddyFrames frames = new BuddyFrames(4096);
        ContiguityPlacement ca = new ContiguityPlacement(frames);
        assertEquals(0, ca.place(0, 64, 0, 0));
        frames.buddy.allocateAt(1, 0);
        long f = ca.place(0, 64, 1, 0);
        assertEquals(64, f, "the VMA reserved frames 0..63 from the rover; the next run starts at 64");
        assertEquals(65, ca.place(0, 64, 2, 0), "the new record governs the pages above it");
        assertEquals(2, ca.records(0, 64).size());
    }

    @Test
    void whenNoRunFitsTheBuddyAllocatorChoosesAndNoRecordIsKept() {
        BuddyFrames frames = new BuddyFrames(1024);
        ContiguityPlacement ca = new ContiguityPlacement(frames);
        frames.runsFit = false;
        long f = ca.place(0, 16, 3, 0);
        assertTrue(frames.buddy.isAllocated(f));
        assertEquals(new ContiguityPlacement.Counts(0, 0, 1), ca.counts());
        assertEquals(0, ca.records(0, 16).size());
        frames.runsFit = true;
        long g = ca.place(0, 16, 4, 0);
        assertTrue(g != f && frames.buddy.isAllocated(g));
        assertEquals(1, ca.counts().placed());
    }

    @Test
    void forgetDropsTheRecordsOfOverlappingVmas() {
        BuddyFrames frames = new BuddyFrames(1024);
        ContiguityPlacement ca = new ContiguityPlacement(frames);
        ca.place(0, 16, 0, 0);
        ca.place(100, 16, 100, 0);
        ca.forget(8, 9);
        assertNull(ca.records(0, 16));
        assertEquals(1, ca.records(100, 16).size());
    }
}

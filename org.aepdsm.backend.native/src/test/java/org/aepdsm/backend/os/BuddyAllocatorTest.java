package org.aepdsm.backend.os;

import static org.aepdsm.testkit.Errors.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.FrameRun;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The buddy bookkeeping against a plain bitmap model, on pool sizes that are not powers of two. */
class BuddyAllocatorTest {
    private record Block(long frame, int order) {
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 7, 513, 1000, 4096 + 640})
    void randomAllocationsAndFreesKeepTheBooksAndCoalesceCompletely(long frames) {
        long seed = 20260101L + frames;
        Random random = new Random(seed);
        BuddyAllocator buddy = new BuddyAllocator("test", frames);
        BitSet model = new BitSet();
        List<Block> live = new ArrayList<>();
        for (int step = 0; step < 3000; step++) {
            String where = "seed " + seed + " step " + step;
            if (live.isEmpty() || random.nextInt(3) > 0) {
                int order = random.nextInt(6);
                try {
                    long f = random.nextBoolean() ? buddy.allocate(order)
                            : buddy.allocateAt(random.nextLong(frames) & ~((1L << order) - 1), order);
                    assertEquals(0, f & ((1L << order) - 1), where);
                    assertTrue(model.nextSetBit((int) f) < 0 || model.nextSetBit((int) f) >= f + (1L << order), where);
                    model.set((int) f, (int) (f + (1L << order)));
                    live.add(new Block(f, order));
                } catch (AepException e) {
                    assertTrue(e.errno() == Errno.ENOMEM || e.errno() == Errno.EBUSY || e.errno() == Errno.EINVAL,
                            where + ": " + e.getMessage());
                }
            } else {
                Block b = live.remove(random.nextInt(live.size()));
                buddy.free(b.frame(), b.order());
                model.clear((int) b.frame(), (int) (b.frame() + (1L << b.order())));
            }
            assertEquals(frames - model.cardinality(), buddy.freeFrames(), where);
        }
        for (Block b : live) {
            buddy.free(b.frame(), b.order());
        }
        assertEquals(List.of(new FrameRun(0, frames)), buddy.freeRuns(), "seed " + seed);
        int largest = 63 - Long.numberOfLeadingZeros(frames);
        long f = buddy.allocate(Math.min(largest, 18));
        assertEquals(0, f, "everything merged back into the largest blocks, seed " + seed);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3})
    void doubleFreesWrongOrdersAndForeignFramesAreNamed(int order) {
        BuddyAllocator buddy = new BuddyAllocator("test", 64);
        long f = buddy.allocate(order);
        assertErrno(Errno.EINVAL, String.valueOf(order + 1), () -> buddy.free(f, order + 1));
        buddy.free(f, order);
        assertErrno(Errno.EINVAL, String.valueOf(f), () -> buddy.free(f, order));
        assertErrno(Errno.EINVAL, "64", () -> buddy.free(64, 0));
        assertFalse(buddy.isAllocated(f));
        assertEquals(64, buddy.freeFrames());
    }
}

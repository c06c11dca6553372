package org.aepdsm.testkit;

import static org.aepdsm.testkit.Errors.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.FramePool;
import org.aepdsm.api.memory.FrameRun;
import org.aepdsm.api.memory.MapMode;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.api.memory.Protection;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link FramePool}: aligned zeroed blocks with real bytes, exact
 * accounting, and every bad argument refused with its errno, leaving other blocks intact.
 */
public abstract class FramePoolContract extends BackendFixture {
    protected FramePool pool;

    @BeforeEach
    void pickPool() {
        pool = backend.framePool(0);
        long bytes = pool.frameCount() * PageSize.FRAME_BYTES;
        assertTrue(bytes >= MIN_POOL_BYTES && bytes <= MAX_POOL_BYTES, "fixture pool size " + bytes);
    }

    @Test
    void allocatedBlocksAreAlignedZeroedAndAccounted() {
        long free = pool.freeFrames();
        for (int order : new int[] {0, 3, 9}) {
            long f = pool.allocate(order);
            assertEquals(0, f & ((1L << order) - 1), "block of order " + order + " aligned");
            for (long i = 0; i < (1L << order); i++) {
                assertTrue(pool.isAllocated(f + i));
            }
            MemorySegment bytes = pool.frames(f, 1L << order);
            assertEquals((1L << order) * PageSize.FRAME_BYTES, bytes.byteSize());
            assertEquals(-1, bytes.mismatch(MemorySegment.ofArray(new byte[(int) bytes.byteSize()])),
                    "fresh block is zero-filled");
            free -= 1L << order;
            assertEquals(free, pool.freeFrames());
        }
    }

    @Test
    void bytesWrittenToFramesStayThere() {
        long f = pool.allocate(1);
        pool.frames(f, 2).set(ValueLayout.JAVA_LONG_UNALIGNED, 4096 + 8, 0x1122334455667788L);
        assertEquals(0x1122334455667788L, pool.frames(f + 1, 1).get(ValueLayout.JAVA_LONG_UNALIGNED, 8));
    }

    @Test
    void freedBlocksComeBackAndAreZeroedAgain() {
        long before = pool.freeFrames();
        long f = pool.allocate(2);
        pool.frames(f, 1).set(ValueLayout.JAVA_BYTE, 0, (byte) 7);
        pool.free(f, 2);
        assertFalse(pool.isAllocated(f));
        assertEquals(before, pool.freeFrames());
        long g = pool.allocateAt(f, 2);
        assertEquals(f, g);
        assertEquals(0, pool.frames(g, 1).get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void distinctBlocksDoNotOverlap() {
        Set<Long> frames = new HashSet<>();
        for (int i = 0; i < 64; i++) {
            int order = i % 3;
            long f = pool.allocate(order);
            for (long k = 0; k < (1L << order); k++) {
                assertTrue(frames.add(f + k), "frame " + (f + k) + " handed out twice");
            }
        }
    }

    @Test
    void doubleFreeIsRefusedAndOtherBlocksStayIntact() {
        long a = pool.allocate(0);
        long b = pool.allocate(0);
        pool.frames(b, 1).set(ValueLayout.JAVA_LONG, 0, 42);
        pool.free(a, 0);
        long free = pool.freeFrames();
        assertErrno(Errno.EINVAL, String.valueOf(a), () -> pool.free(a, 0));
        assertEquals(free, pool.freeFrames());
        assertTrue(pool.isAllocated(b));
        assertEquals(42, pool.frames(b, 1).get(ValueLayout.JAVA_LONG, 0));
    }

    @Test
    void freeWithWrongOrderOrUnalignedOrOutOfRangeIsRefused() {
        long f = pool.allocate(3);
        assertErrno(Errno.EINVAL, () -> pool.free(f, 2));
        assertErrno(Errno.EINVAL, () -> pool.free(f + 1, 3));
        assertErrno(Errno.EINVAL, String.valueOf(pool.frameCount()), () -> pool.free(pool.frameCount(), 0));
        assertErrno(Errno.EINVAL, () -> pool.free(-1, 0));
        assertTrue(pool.isAllocated(f), "block untouched by refused frees");
        pool.free(f, 3);
    }

    @Test
    void badOrdersAreRefused() {
        assertErrno(Errno.EINVAL, "-1", () -> pool.allocate(-1));
        assertErrno(Errno.EINVAL, "19", () -> pool.allocate(FramePool.MAX_ORDER + 1));
    }

    @Test
    void allocateAtTakesExactlyThatBlockOrRefuses() {
        long f = pool.allocate(4);
        assertErrno(Errno.EBUSY, String.valueOf(f), () -> pool.allocateAt(f, 0));
        assertErrno(Errno.EBUSY, () -> pool.allocateAt(f & ~31L, 5));
        assertErrno(Errno.EINVAL, () -> pool.allocateAt(f + 1, 4));
        assertErrno(Errno.EINVAL, () -> pool.allocateAt(pool.frameCount(), 0));
        pool.free(f, 4);
        assertEquals(f + 3, pool.allocateAt(f + 3, 0));
        assertTrue(pool.isAllocated(f + 3));
        assertFalse(pool.isAllocated(f + 2));
    }

    @Test
    void exhaustionAnswersEnomemAndRecovers() {
        List<Long> blocks = new ArrayList<>();
        assertErrno(Errno.ENOMEM, () -> {
            while (true) {
                blocks.add(pool.allocate(9));
            }
        });
        assertTrue(pool.freeFrames() < 512);
        pool.free(blocks.remove(0), 9);
        long again = pool.allocate(9);
        assertTrue(pool.isAllocated(again));
    }

    @Test
    void framesOfFreeOrOutOfRangeFramesAreRefused() {
        long f = pool.allocate(0);
        pool.free(f, 0);
        assertErrno(Errno.EINVAL, String.valueOf(f), () -> pool.frames(f, 1));
        assertErrno(Errno.EINVAL, () -> pool.frames(pool.frameCount() - 1, 2));
        assertErrno(Errno.EINVAL, () -> pool.frames(0, 0));
    }

    @Test
    void freeRunsAreSortedCoalescedAndAddUp() {
        pool.allocate(0);
        pool.allocate(5);
        long x = pool.allocate(0);
        pool.allocate(0);
        pool.free(x, 0);
        List<FrameRun> runs = pool.freeRuns();
        long sum = 0;
        long lastEnd = -1;
        for (FrameRun r : runs) {
            assertTrue(r.first() > lastEnd, "runs sorted and coalesced (no adjacent runs): " + runs);
            for (long i = r.first(); i < r.end(); i += Math.max(1, r.count() / 7)) {
                assertFalse(pool.isAllocated(i));
            }
            sum += r.count();
            lastEnd = r.end();
        }
        assertEquals(pool.freeFrames(), sum);
    }

    @Test
    void aMappedFrameCannotBeFreed() {
        long f = pool.allocate(0);
        try (AddressSpace space = backend.createAddressSpace(0, 2L << 20)) {
            space.map(space.base(), 4096, pool, f, PageSize.SIZE_4K, Protection.READ_WRITE, MapMode.SHARED);
            assertEquals(1, pool.mapCount(f));
            assertErrno(Errno.EBUSY, String.valueOf(f), () -> pool.free(f, 0));
            assertTrue(pool.isAllocated(f));
        }
        assertEquals(0, pool.mapCount(f));
        pool.free(f, 0);
    }

    @Test
    void physicalAddressesFollowFrameNumbers() {
        assertEquals(PageSize.FRAME_BYTES, pool.physicalAddress(1) - pool.physicalAddress(0));
        assertNotEquals(pool.physicalAddress(0), pool.physicalAddress(2));
    }

    @Test
    void aDeactivatedBackendsPoolIsStale() {
        long f = pool.allocate(0);
        MemorySegment bytes = pool.frames(f, 1);
        deactivate(backend);
        assertFalse(backend.isActive());
        assertErrno(Errno.ESTALE, () -> pool.allocate(0));
        assertErrno(Errno.ESTALE, () -> pool.free(f, 0));
        assertThrows(IllegalStateException.class, () -> bytes.get(ValueLayout.JAVA_BYTE, 0),
                "bytes of a stale pool are unreachable, not freed memory");
    }
}

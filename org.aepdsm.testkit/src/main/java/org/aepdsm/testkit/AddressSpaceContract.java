package org.aepdsm.testkit;

import static org.aepdsm.testkit.Errors.assertErrno;
import static org.aepdsm.testkit.Errors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.FramePool;
import org.aepdsm.api.memory.MapMode;
import org.aepdsm.api.memory.Mapping;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.api.memory.Translation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link AddressSpace}: shared frames are seen through every mapping,
 * copy-on-write diverges on the first store and only for that page, unmapped and
 * protected pages fault cleanly, and bad arguments get their errno and change nothing.
 */
public abstract class AddressSpaceContract extends BackendFixture {
    private static final long SPACE = 64L << 20;
    private static final long PAGE = 4096;

    protected FramePool pool;
    protected AddressSpace a;
    protected AddressSpace b;

    @BeforeEach
    void makeSpaces() {
        pool = backend.framePool(0);
        a = backend.createAddressSpace(0, SPACE);
        b = backend.createAddressSpace(0, SPACE);
    }

    @AfterEach
    void closeSpaces() {
        if (backend.isActive()) {
            a.close();
            b.close();
        }
    }

    private void mapShared(AddressSpace s, long addr, long frame, long pages) {
        s.map(addr, pages * PAGE, pool, frame, PageSize.SIZE_4K, Protection.READ_WRITE, MapMode.SHARED);
    }

    @Test
    void spacesHaveDistinctIdsAndAreListed() {
        assertNotEquals(a.id(), b.id());
        assertEquals(a, backend.addressSpace(a.id()).orElseThrow());
        assertTrue(backend.addressSpaces().contains(b));
        assertEquals(SPACE, a.limit() - a.base());
    }

    @Test
    void dataWrittenThroughOneMappingIsReadThroughAnother() {
        long f = pool.allocate(2);
        mapShared(a, a.base(), f, 4);
        mapShared(b, b.base() + 16 * PAGE, f, 4);
        mapShared(a, a.base() + 32 * PAGE, f, 4);
        a.putLong(a.base() + PAGE + 8, 0xCAFEBABEL);
        assertEquals(0xCAFEBABEL, b.getLong(b.base() + 17 * PAGE + 8));
        assertEquals(0xCAFEBABEL, a.getLong(a.base() + 33 * PAGE + 8));
        b.putByte(b.base() + 19 * PAGE + 4095, (byte) 0x5A);
        assertEquals((byte) 0x5A, a.getByte(a.base() + 3 * PAGE + 4095));
        assertEquals(f + 1, a.translate(a.base() + PAGE).orElseThrow().frame());
    }

    @Test
    void readsAndWritesCrossPageBoundaries() {
        long f = pool.allocate(1);
        mapShared(a, a.base(), f, 2);
        byte[] data = new byte[300];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        a.write(a.base() + PAGE - 100, data, 0, data.length);
        byte[] back = new byte[300];
        a.read(a.base() + PAGE - 100, back, 0, back.length);
        assertArrayEquals(data, back);
        assertEquals(data[150], pool.frames(f + 1, 1).get(java.lang.foreign.ValueLayout.JAVA_BYTE, 50));
    }

    @Test
    void copyOnWriteDivergesOnWriteAndOnlyThere() {
        long f = pool.allocate(2);
        mapShared(a, a.base(), f, 4);
        for (int p = 0; p < 4; p++) {
            a.putLong(a.base() + p * PAGE, 100 + p);
        }
        b.map(b.base(), 4 * PAGE, pool, f, PageSize.SIZE_4K, Protection.READ_WRITE, MapMode.COPY_ON_WRITE);
        assertEquals(102, b.getLong(b.base() + 2 * PAGE), "COW mapping reads the shared frames");
        assertTrue(b.translate(b.base() + 2 * PAGE).orElseThrow().copyOnWrite());

        b.putLong(b.base() + 2 * PAGE, -1);
        assertEquals(-1, b.getLong(b.base() + 2 * PAGE));
        assertEquals(102, a.getLong(a.base() + 2 * PAGE), "the original is untouched by the copy's store");
        Translation copied = b.translate(b.base() + 2 * PAGE).orElseThrow();
        assertNotEquals(f + 2, copied.frame(), "the written page got a private frame");
        assertFalse(copied.copyOnWrite());
        assertEquals(1, b.stats().copyOnWrites());

        for (int p : new int[] {0, 1, 3}) {
            Translation t = b.translate(b.base() + p * PAGE).orElseThrow();
            assertEquals(f + p, t.frame(), "page " + p + " still shares the original frame");
            assertTrue(t.copyOnWrite());
        }
        a.putLong(a.base() + 3 * PAGE, 777);
        assertEquals(777, b.getLong(b.base() + 3 * PAGE), "unwritten COW pages keep following the original");
        assertEquals(102, a.getLong(a.base() + 2 * PAGE));
    }

    @Test
    void copyOnWriteCopiesKeepTheirBytesAndFreeOnUnmap() {
        long f = pool.allocate(0);
        mapShared(a, a.base(), f, 1);
        a.putLong(a.base() + 64, 5);
        b.map(b.base(), PAGE, pool, f, PageSize.SIZE_4K, Protection.READ_WRITE, MapMode.COPY_ON_WRITE);
        long free = pool.freeFrames();
        b.putLong(b.base(), 9);
        assertEquals(5, b.getLong(b.base() + 64), "the copy carries the page's other bytes");
        assertEquals(free - 1, pool.freeFrames(), "one frame for the copy");
        b.unmap(b.base(), PAGE);
        assertEquals(free, pool.freeFrames(), "the private copy is freed with its mapping");
    }

    @Test
    void unmapThenAccessFailsCleanly() {
        long f = pool.allocate(1);
        mapShared(a, a.base(), f, 2);
        a.putLong(a.base() + PAGE, 1);
        a.unmap(a.base() + PAGE, PAGE);
        assertErrno(Errno.EFAULT, hex(a.base() + PAGE), () -> a.getLong(a.base() + PAGE));
        assertErrno(Errno.EFAULT, () -> a.putByte(a.base() + PAGE + 5, (byte) 1));
        assertEquals(Optional.empty(), a.translate(a.base() + PAGE));
        a.putLong(a.base(), 3);
        assertEquals(3, a.getLong(a.base()), "the page left mapped still works");
        assertEquals(1, pool.frames(f + 1, 1).get(java.lang.foreign.ValueLayout.JAVA_LONG, 0),
                "unmap leaves the frame's bytes to its owner");
        assertEquals(0, pool.mapCount(f + 1));
        assertErrno(Errno.EFAULT, () -> a.getLong(a.limit() - 8));
    }

    @Test
    void onDemandPagesAreZeroFilledOnFirstTouch() {
        long free = pool.freeFrames();
        a.mapOnDemand(a.base(), 8 * PAGE, PageSize.SIZE_4K, Protection.READ_WRITE);
        assertEquals(Optional.empty(), a.translate(a.base() + 3 * PAGE), "nothing present before the touch");
        assertEquals(0, a.getLong(a.base() + 3 * PAGE));
        a.putLong(a.base() + 5 * PAGE, 11);
        assertEquals(11, a.getLong(a.base() + 5 * PAGE));
        assertTrue(a.translate(a.base() + 5 * PAGE).isPresent());
        assertTrue(pool.freeFrames() <= free - 2, "touched pages took frames from the node's pool");
        assertTrue(a.stats().faults() >= 2);
        a.unmap(a.base(), 8 * PAGE);
        assertEquals(free, pool.freeFrames(), "demand pages go back on unmap");
    }

    @Test
    void protectionIsEnforcedOnLoadsAndStores() {
        long f = pool.allocate(1);
        mapShared(a, a.base(), f, 2);
        a.putLong(a.base(), 8);
        a.protect(a.base(), PAGE, Protection.READ);
        assertEquals(8, a.getLong(a.base()));
        assertErrno(Errno.EACCES, hex(a.base()), () -> a.putLong(a.base(), 9));
        assertEquals(8, a.getLong(a.base()), "refused store wrote nothing");
        a.protect(a.base(), PAGE, Protection.NONE);
        assertErrno(Errno.EACCES, () -> a.getLong(a.base()));
        a.protect(a.base(), PAGE, Protection.READ_WRITE);
        a.putLong(a.base(), 10);
        assertEquals(10, a.getLong(a.base()));
        assertEquals(Protection.READ_WRITE, a.translate(a.base()).orElseThrow().protection());
    }

    @Test
    void aWriteThatHitsAReadOnlyPageWritesNothing() {
        long f = pool.allocate(1);
        mapShared(a, a.base(), f, 2);
        a.protect(a.base() + PAGE, PAGE, Protection.READ);
        byte[] ones = new byte[200];
        java.util.Arrays.fill(ones, (byte) 1);
        assertErrno(Errno.EACCES, () -> a.write(a.base() + PAGE - 100, ones, 0, ones.length));
        assertEquals(0, a.getByte(a.base() + PAGE - 100), "no byte of a refused write lands");
    }

    @Test
    void protectOfUnmappedRangeIsEnomem() {
        long f = pool.allocate(0);
        mapShared(a, a.base(), f, 1);
        assertErrno(Errno.ENOMEM, () -> a.protect(a.base(), 2 * PAGE, Protection.READ));
        assertEquals(Protection.READ_WRITE, a.translate(a.base()).orElseThrow().protection(),
                "a refused protect changes nothing");
    }

    @Test
    void badMapArgumentsGetTheirErrnoAndChangeNothing() {
        long f = pool.allocate(1);
        mapShared(a, a.base(), f, 1);
        List<Mapping> before = a.mappings();
        long base = a.base();
        assertErrno(Errno.EINVAL, hex(base + 1), () -> mapShared(a, base + 1, f, 1));
        assertErrno(Errno.EINVAL, () -> a.map(base + PAGE, 100, pool, f, PageSize.SIZE_4K, Protection.READ,
                MapMode.SHARED));
        assertErrno(Errno.EINVAL, () -> mapShared(a, a.limit(), f, 1));
        assertErrno(Errno.EINVAL, () -> mapShared(a, a.limit() - PAGE, f, 2));
        assertErrno(Errno.EINVAL, () -> mapShared(a, base - PAGE, f, 1));
        assertErrno(Errno.EEXIST, hex(base), () -> mapShared(a, base, f + 1, 1));
        assertErrno(Errno.EEXIST, () -> a.mapOnDemand(base, 2 * PAGE, PageSize.SIZE_4K, Protection.READ));
        assertErrno(Errno.EINVAL, () -> mapShared(a, base + 8 * PAGE, pool.frameCount(), 1));
        assertErrno(Errno.EINVAL, () -> mapShared(a, base + 8 * PAGE, pool.frameCount() - 1, 2));
        long freed = pool.allocate(0);
        pool.free(freed, 0);
        assertErrno(Errno.EINVAL, String.valueOf(freed), () -> mapShared(a, base + 8 * PAGE, freed, 1));
        assertErrno(Errno.EINVAL, () -> a.map(base + 8 * PAGE, 0, pool, f, PageSize.SIZE_4K, Protection.READ,
                MapMode.SHARED));
        assertEquals(before, a.mappings(), "refused maps changed nothing");
        assertEquals(Optional.empty(), a.translate(base + 8 * PAGE));
        assertEquals(1, pool.mapCount(f));
        assertEquals(0, pool.mapCount(f + 1));
    }

    @Test
    void unalignedAccessesAreRefused() {
        long f = pool.allocate(0);
        mapShared(a, a.base(), f, 1);
        assertErrno(Errno.EINVAL, hex(a.base() + 4), () -> a.getLong(a.base() + 4));
        assertErrno(Errno.EINVAL, () -> a.putLong(a.base() + 3, 1));
        assertErrno(Errno.EINVAL, () -> a.unmap(a.base() + 1, PAGE));
        assertErrno(Errno.EINVAL, () -> a.read(a.base(), new byte[4], 2, 4));
    }

    @Test
    void twoMegabytePagesMapTranslateAndRefusePartialUnmap() {
        long f = pool.allocate(9);
        long addr = a.base() + (2L << 20);
        a.map(addr, 2L << 20, pool, f, PageSize.SIZE_2M, Protection.READ_WRITE, MapMode.SHARED);
        a.putLong(addr + 5 * PAGE + 16, 99);
        Translation t = a.translate(addr + 5 * PAGE + 16).orElseThrow();
        assertEquals(PageSize.SIZE_2M, t.pageSize());
        assertEquals(f + 5, t.frame());
        assertEquals(16, t.offset());
        assertEquals(99, pool.frames(f + 5, 1).get(java.lang.foreign.ValueLayout.JAVA_LONG, 16));
        assertErrno(Errno.EINVAL, () -> a.unmap(addr + PAGE, PAGE));
        assertEquals(99, a.getLong(addr + 5 * PAGE + 16));
        assertErrno(Errno.EINVAL, () -> a.map(a.base() + PAGE, 2L << 20, pool, f, PageSize.SIZE_2M,
                Protection.READ, MapMode.SHARED));
        a.unmap(addr, 2L << 20);
        assertEquals(0, pool.mapCount(f));
    }

    @Test
    void mappingsAreListedInAddressOrder() {
        long f = pool.allocate(2);
        mapShared(a, a.base() + 8 * PAGE, f, 2);
        a.mapOnDemand(a.base(), 4 * PAGE, PageSize.SIZE_4K, Protection.READ);
        List<Mapping> maps = a.mappings();
        assertEquals(2, maps.size());
        assertEquals(a.base(), maps.get(0).start());
        assertTrue(maps.get(0).onDemand());
        assertEquals(a.base() + 8 * PAGE, maps.get(1).start());
        assertEquals(f, maps.get(1).firstFrame());
        assertEquals(2 * PAGE, maps.get(1).length());
    }

    @Test
    void physicalFrameNumbersAreGivenOrClearlyUnavailable() {
        long f = pool.allocate(0);
        mapShared(a, a.base(), f, 1);
        a.putLong(a.base(), 1);
        try {
            long pfn = a.physicalFrameNumber(a.base());
            assertTrue(pfn > 0, "a present page has a frame number");
        } catch (AepException e) {
            assertEquals(Errno.EOPNOTSUPP, e.errno());
            assertTrue(e.getMessage().contains("not available"), e.getMessage());
        }
        assertErrno(Errno.EFAULT, () -> a.physicalFrameNumber(a.base() + 10 * PAGE));
    }

    @Test
    void aClosedSpaceIsStaleAndReleasesItsFrames() {
        long f = pool.allocate(0);
        mapShared(a, a.base(), f, 1);
        a.close();
        assertTrue(a.isClosed());
        assertErrno(Errno.ESTALE, () -> a.getLong(a.base()));
        assertErrno(Errno.ESTALE, () -> mapShared(a, a.base(), f, 1));
        assertEquals(0, pool.mapCount(f));
        assertFalse(backend.addressSpace(a.id()).isPresent());
        a.close();
    }

    @Test
    void aDeactivatedBackendsSpacesAreStale() {
        long f = pool.allocate(0);
        mapShared(a, a.base(), f, 1);
        a.putLong(a.base(), 4);
        deactivate(backend);
        assertErrno(Errno.ESTALE, () -> a.getLong(a.base()));
        assertErrno(Errno.ESTALE, () -> a.putLong(a.base(), 5));
        assertErrno(Errno.ESTALE, () -> b.mapOnDemand(b.base(), PAGE, PageSize.SIZE_4K, Protection.READ));
        assertErrno(Errno.ESTALE, () -> backend.createAddressSpace(0, SPACE));
    }
}

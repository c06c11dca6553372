package org.aepdsm.backend.os;

import static org.aepdsm.testkit.Errors.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.Capability;
import org.aepdsm.api.memory.FramePool;
import org.aepdsm.api.memory.MapMode;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.api.paging.PageMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Physical frame numbers from /proc/self/pagemap (readable as root). */
class PhysicalFramesTest {
    private static final long PAGE = 4096;

    private NativeMachine machine;
    private FramePool pool;
    private AddressSpace a;
    private AddressSpace b;

    @BeforeEach
    void start() {
        machine = TestMachines.small();
        assumeTrue(machine.info().has(Capability.PHYSICAL_FRAMES),
                "pagemap frame numbers need root: " + machine.info().details().get("pagemap"));
        pool = machine.framePool(0);
        a = machine.createAddressSpace(0, 4L << 20);
        b = machine.createAddressSpace(0, 4L << 20);
    }

    @AfterEach
    void stop() {
        machine.shutdown();
    }

    @Test
    void twoMappingsOfOneFrameShowTheSamePhysicalFrame() {
        assertEquals("readable", machine.info().details().get("pagemap"));
        long f = pool.allocate(1);
        a.map(a.base(), 2 * PAGE, pool, f, PageSize.SIZE_4K, Protection.READ_WRITE, MapMode.SHARED);
        b.map(b.base() + 8 * PAGE, 2 * PAGE, pool, f, PageSize.SIZE_4K, Protection.READ, MapMode.SHARED);
        a.putLong(a.base(), 1);
        long pfn = a.physicalFrameNumber(a.base() + 100);
        assertTrue(pfn > 0, "pfn " + pfn);
        assertEquals(pfn, b.physicalFrameNumber(b.base() + 8 * PAGE), "same frame, same physical page");
        assertNotEquals(pfn, a.physicalFrameNumber(a.base() + PAGE), "the next frame is another page");
    }

    @Test
    void aCopyOnWritePageMovesToAnotherPhysicalFrame() {
        long f = pool.allocate(0);
        a.map(a.base(), PAGE, pool, f, PageSize.SIZE_4K, Protection.READ_WRITE, MapMode.SHARED);
        b.map(b.base(), PAGE, pool, f, PageSize.SIZE_4K, Protection.READ_WRITE, MapMode.COPY_ON_WRITE);
        long shared = a.physicalFrameNumber(a.base());
        assertEquals(shared, b.physicalFrameNumber(b.base()), "before the store the COW page is the original");
        b.putByte(b.base(), (byte) 1);
        assertNotEquals(shared, b.physicalFrameNumber(b.base()));
    }

    @Test
    void aPageWithoutReadRightsStillHasAFrameNumber() {
        long f = pool.allocate(0);
        a.map(a.base(), PAGE, pool, f, PageSize.SIZE_4K, Protection.READ_WRITE, MapMode.SHARED);
        b.map(b.base(), PAGE, pool, f, PageSize.SIZE_4K, Protection.NONE, MapMode.SHARED);
        assertEquals(a.physicalFrameNumber(a.base()), b.physicalFrameNumber(b.base()));
    }

    @Test
    void thePageMapListsPhysicalFramesOfPresentPages() {
        long f = pool.allocate(1);
        a.map(a.base(), 2 * PAGE, pool, f, PageSize.SIZE_4K, Protection.READ_WRITE, MapMode.SHARED);
        a.mapOnDemand(a.base() + 4 * PAGE, 3 * PAGE, PageSize.SIZE_4K, Protection.READ_WRITE);
        a.putByte(a.base() + 5 * PAGE, (byte) 1);
        PageMap map = a.pageMap();
        assertEquals(2, map.vmas().size());
        assertEquals(3, map.presentPages());
        assertEquals(a.base() / PAGE, map.vmas().get(0).startVpn());
        assertEquals(a.physicalFrameNumber(a.base() + PAGE), map.vmas().get(0).pfns()[1]);
        long[] demand = map.vmas().get(1).pfns();
        assertEquals(PageMap.NOT_PRESENT, demand[0]);
        assertEquals(a.physicalFrameNumber(a.base() + 5 * PAGE), demand[1]);
        assertEquals(PageMap.NOT_PRESENT, demand[2]);
    }

    @Test
    void anAbsentPageIsEfault() {
        a.mapOnDemand(a.base(), PAGE, PageSize.SIZE_4K, Protection.READ_WRITE);
        assertErrno(Errno.EFAULT, "0x" + Long.toHexString(a.base()), () -> a.physicalFrameNumber(a.base()));
    }
}

package org.aepdsm.backend.os;

import static org.aepdsm.testkit.Errors.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.Fault;
import org.aepdsm.api.memory.FaultKind;
import org.aepdsm.api.memory.FramePool;
import org.aepdsm.api.memory.MapMode;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.api.memory.Translation;
import org.aepdsm.api.paging.PlacementPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Native address-space behaviour beyond the contract: 2 MiB demand and COW pages, fault handlers, placement. */
class NativeAddressSpaceTest {
    private static final long PAGE = 4096;
    private static final long HUGE = 2L << 20;

    private NativeMachine machine;
    private FramePool pool;
    private AddressSpace a;

    @BeforeEach
    void start() {
        machine = TestMachines.small();
        pool = machine.framePool(0);
        a = machine.createAddressSpace(0, 16L << 20);
    }

    @AfterEach
    void stop() {
        machine.shutdown();
    }

    @Test
    void reservationsAreTwoMegabyteAligned() {
        assertEquals(0, a.base() % HUGE);
        assertErrno(Errno.EINVAL, String.valueOf(HUGE + PAGE), () -> machine.createAddressSpace(0, HUGE + PAGE));
        assertErrno(Errno.EINVAL, () -> machine.createAddressSpace(1, HUGE));
    }

    @Test
    void aTwoMegabyteDemandPageTakesAnOrderNineBlock() {
        long free = pool.freeFrames();
        a.mapOnDemand(a.base() + HUGE, HUGE, PageSize.SIZE_2M, Protection.READ_WRITE);
        a.putLong(a.base() + HUGE + 300 * PAGE, 42);
        Translation t = a.translate(a.base() + HUGE + 300 * PAGE).orElseThrow();
        assertEquals(PageSize.SIZE_2M, t.pageSize());
        assertEquals(0, (t.frame() - 300) % 512, "the block is 2 MiB aligned");
        assertEquals(free - 512, pool.freeFrames());
        assertEquals(42, pool.frames(t.frame(), 1).get(ValueLayout.JAVA_LONG, 0));
        assertEquals(0, a.getLong(a.base() + HUGE + 301 * PAGE), "the rest of the huge page is zero");
        a.unmap(a.base() + HUGE, HUGE);
        assertEquals(free, pool.freeFrames());
    }

    @Test
    void aTwoMegabyteCopyOnWritePageCopiesAllOfIt() {
        long f = pool.allocate(9);
        pool.frames(f + 511, 1).set(ValueLayout.JAVA_LONG, 0, 3);
        a.map(a.base(), HUGE, pool, f, PageSize.SIZE_2M, Protection.READ_WRITE, MapMode.COPY_ON_WRITE);
        a.putLong(a.base(), 1);
        Translation t = a.translate(a.base() + 511 * PAGE).orElseThrow();
        assertNotEquals(f + 511, t.frame());
        assertFalse(t.copyOnWrite());
        assertEquals(3, a.getLong(a.base() + 511 * PAGE));
        assertEquals(0, pool.frames(f, 1).get(ValueLayout.JAVA_LONG, 0), "the original block is untouched");
        assertEquals(0, pool.mapCount(f), "the copy no longer maps the original");
        assertEquals(1, pool.mapCount(t.frame()));
    }

    @Test
    void aFaultHandlerSeesTheFaultAndMayMapThePage() {
        long f = pool.allocate(0);
        pool.frames(f, 1).set(ValueLayout.JAVA_LONG, 8, 99);
        List<Fault> seen = new ArrayList<>();
        a.setFaultHandler((space, fault) -> {
            seen.add(fault);
            space.map(fault.address() & ~(PAGE - 1), PAGE, pool, f, PageSize.SIZE_4K, Protection.READ,
                    MapMode.SHARED);
            return true;
        });
        assertEquals(99, a.getLong(a.base() + 5 * PAGE + 8));
        assertEquals(List.of(new Fault(a.id(), a.base() + 5 * PAGE + 8, false, FaultKind.NOT_PRESENT)), seen);
        a.setFaultHandler((space, fault) -> false);
        assertErrno(Errno.EACCES, () -> a.putLong(a.base() + 5 * PAGE, 1));
        assertErrno(Errno.EFAULT, () -> a.getByte(a.base()));
    }

    @Test
    void aHandlerThatNeverResolvesEndsInEfault() {
        a.setFaultHandler((space, fault) -> true);
        assertErrno(Errno.EFAULT, () -> a.getByte(a.base()));
    }

    @Test
    void accessesOutsideTheSpaceAreEfaultNeverACrash() {
        assertErrno(Errno.EFAULT, () -> a.getByte(a.base() - 1));
        assertErrno(Errno.EFAULT, () -> a.getByte(Long.MAX_VALUE));
        assertErrno(Errno.EFAULT, () -> a.getLong(-8));
        assertErrno(Errno.EFAULT, () -> a.read(a.limit() - 4, new byte[8], 0, 8));
        assertErrno(Errno.EINVAL, () -> a.write(a.base(), new byte[8], -1, 8));
    }

    @Test
    void contiguityAwarePlacementKeepsTheVirtualToFrameOffset() {
        a.setPlacementPolicy(PlacementPolicy.CONTIGUITY_AWARE);
        a.mapOnDemand(a.base(), 16 * PAGE, PageSize.SIZE_4K, Protection.READ_WRITE);
        for (int p = 0; p < 16; p++) {
            a.putByte(a.base() + p * PAGE, (byte) p);
        }
        long first = a.translate(a.base()).orElseThrow().frame();
        for (int p = 0; p < 16; p++) {
            assertEquals(first + p, a.translate(a.base() + p * PAGE).orElseThrow().frame());
        }
    }

    @Test
    void protectSplitsMappingsAndKeepsTheirFrames() {
        long f = pool.allocate(2);
        a.map(a.base(), 4 * PAGE, pool, f, PageSize.SIZE_4K, Protection.READ_WRITE, MapMode.SHARED);
        a.protect(a.base() + PAGE, PAGE, Protection.READ);
        assertEquals(3, a.mappings().size());
        assertEquals(f + 1, a.mappings().get(1).firstFrame());
        assertErrno(Errno.EACCES, () -> a.putByte(a.base() + PAGE, (byte) 1));
        a.putByte(a.base() + 2 * PAGE, (byte) 1);
        a.unmap(a.base(), 4 * PAGE);
        assertEquals(0, pool.mapCount(f + 1));
    }

    @Test
    void shutdownMakesFrameSegmentsUnreachableAndSpacesStale() {
        long f = pool.allocate(0);
        MemorySegment bytes = pool.frames(f, 1);
        a.map(a.base(), PAGE, pool, f, PageSize.SIZE_4K, Protection.READ_WRITE, MapMode.SHARED);
        machine.shutdown();
        assertThrows(IllegalStateException.class, () -> bytes.get(ValueLayout.JAVA_LONG, 0));
        assertTrue(a.isClosed());
        assertErrno(Errno.ESTALE, () -> a.translate(a.base()));
        assertErrno(Errno.ESTALE, () -> pool.frames(f, 1));
        assertErrno(Errno.ESTALE, () -> machine.framePool(0));
    }
}

package org.aepdsm.backend.sim;

import static org.aepdsm.testkit.Errors.assertErrno;
import static org.aepdsm.testkit.Errors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.aepdsm.api.paging.PlacementPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FaultHandlingTest {
    private final SimMachine machine = new SimMachine(MachineConfig.of(1, 64, 8));
    private final FramePool pool = machine.framePool(0);
    private final AddressSpace s = machine.createAddressSpace(0, 64L << 20);

    @AfterEach
    void shutdown() {
        machine.shutdown();
    }

    @Test
    void theHandlerIsAskedFirstAndMayMapThePage() {
        long f = pool.allocate(0);
        pool.frames(f, 1).set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, 55);
        List<Fault> seen = new ArrayList<>();
        s.setFaultHandler((space, fault) -> {
            seen.add(fault);
            space.map(fault.address() & -4096, 4096, pool, f, PageSize.SIZE_4K, Protection.READ, MapMode.SHARED);
            return true;
        });
        assertEquals(55, s.getLong(s.base() + 8192));
        assertEquals(List.of(new Fault(s.id(), s.base() + 8192, false, FaultKind.NOT_PRESENT)), seen);
        assertEquals(1, s.stats().faults());
    }

    @Test
    void aHandlerThatDeclinesLeavesTheFaultToTheBackend() {
        List<FaultKind> kinds = new ArrayList<>();
        s.setFaultHandler((space, fault) -> {
            kinds.add(fault.kind());
            return false;
        });
        s.mapOnDemand(s.base(), 4096, PageSize.SIZE_4K, Protection.READ);
        assertEquals(0, s.getByte(s.base()), "demand-filled after the handler declined");
        assertErrno(Errno.EACCES, hex(s.base()), () -> s.putByte(s.base(), (byte) 1));
        assertErrno(Errno.EFAULT, hex(s.base() + 4096), () -> s.getByte(s.base() + 4096));
        assertEquals(List.of(FaultKind.NOT_PRESENT, FaultKind.PROTECTION, FaultKind.NOT_PRESENT), kinds);
    }

    @Test
    void aHandlerThatClaimsSuccessWithoutFixingAnythingCannotLoopForever() {
        s.setFaultHandler((space, fault) -> true);
        assertErrno(Errno.EFAULT, () -> s.getByte(s.base()));
    }

    @Test
    void aWriteAcrossADemandPageAndAReadOnlyPageWritesNothing() {
        s.mapOnDemand(s.base(), 4096, PageSize.SIZE_4K, Protection.READ_WRITE);
        long f = pool.allocate(0);
        s.map(s.base() + 4096, 4096, pool, f, PageSize.SIZE_4K, Protection.READ, MapMode.SHARED);
        byte[] data = new byte[300];
        java.util.Arrays.fill(data, (byte) 9);
        assertErrno(Errno.EACCES, hex(s.base() + 4096), () -> s.write(s.base() + 4000, data, 0, data.length));
        byte[] back = new byte[96];
        s.read(s.base() + 4000, back, 0, back.length);
        assertArrayEquals(new byte[96], back, "the demand page was filled but not written");
    }

    @Test
    void aLargeWriteFillsManyDemandPagesAndReadsBack() {
        s.mapOnDemand(s.base(), 1L << 20, PageSize.SIZE_4K, Protection.READ_WRITE);
        byte[] data = new byte[200_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        s.write(s.base() + 123, data, 0, data.length);
        byte[] back = new byte[data.length];
        s.read(s.base() + 123, back, 0, back.length);
        assertArrayEquals(data, back);
        assertEquals(49, s.stats().faults(), "one demand fault per page touched");
    }

    @Test
    void twoMegabyteDemandPagesComeFromOrderNineBlocks() {
        long free = pool.freeFrames();
        s.mapOnDemand(s.base(), 4L << 20, PageSize.SIZE_2M, Protection.READ_WRITE);
        s.putLong(s.base() + (3L << 20), 5);
        assertEquals(free - 512, pool.freeFrames());
        assertEquals(PageSize.SIZE_2M, s.translate(s.base() + (2L << 20)).orElseThrow().pageSize());
        s.unmap(s.base(), 4L << 20);
        assertEquals(free, pool.freeFrames());
    }

    @Test
    void exhaustedMemoryAnswersEnomemNamingTheAddress() {
        List<Long> blocks = new ArrayList<>();
        while (pool.freeFrames() >= 512) {
            blocks.add(pool.allocate(9));
        }
        s.mapOnDemand(s.base(), 4L << 20, PageSize.SIZE_2M, Protection.READ_WRITE);
        assertErrno(Errno.ENOMEM, hex(s.base()), () -> s.putByte(s.base(), (byte) 1));
        assertTrue(s.translate(s.base()).isEmpty(), "nothing installed by the failed fault");
        pool.free(blocks.get(0), 9);
        s.putByte(s.base(), (byte) 1);
    }

    @Test
    void injectedFailuresAreDeterministicForTheSeed() {
        List<Integer> first = failures(7);
        assertEquals(first, failures(7), "same seed, same failures");
        assertTrue(!first.isEmpty() && first.size() < 64, "about half of 64 fills fail: " + first);
    }

    private static List<Integer> failures(long seed) {
        SimMachine m = new SimMachine(MachineConfig.of(1, 16, 2).withInjectedFailures(0.5, seed));
        try {
            AddressSpace space = m.createAddressSpace(0, 2L << 20);
            space.mapOnDemand(space.base(), 64 * 4096, PageSize.SIZE_4K, Protection.READ_WRITE);
            List<Integer> failed = new ArrayList<>();
            for (int p = 0; p < 64; p++) {
                try {
                    space.putByte(space.base() + p * 4096L, (byte) 1);
                } catch (org.aepdsm.api.AepException e) {
                    assertEquals(Errno.ENOMEM, e.errno());
                    assertTrue(e.getMessage().contains("injected"), e.getMessage());
                    failed.add(p);
                }
            }
            return failed;
        } finally {
            m.shutdown();
        }
    }

    @Test
    void buddyIsTheDefaultAndContiguityAwarePlacementCanBeChosen() {
        assertEquals(PlacementPolicy.BUDDY, s.placementPolicy());
        s.setPlacementPolicy(PlacementPolicy.CONTIGUITY_AWARE);
        assertEquals(PlacementPolicy.CONTIGUITY_AWARE, s.placementPolicy());
        s.setPlacementPolicy(PlacementPolicy.BUDDY);
        assertEquals(PlacementPolicy.BUDDY, s.placementPolicy());
    }

    @Test
    void protectionNoneKeepsTheFrameButRefusesEveryAccess() {
        s.mapOnDemand(s.base(), 4096, PageSize.SIZE_4K, Protection.READ_WRITE);
        s.putLong(s.base(), 42);
        long pfn = s.physicalFrameNumber(s.base());
        s.protect(s.base(), 4096, Protection.NONE);
        assertErrno(Errno.EACCES, () -> s.getByte(s.base()));
        assertEquals(Protection.NONE, s.translate(s.base()).orElseThrow().protection());
        s.protect(s.base(), 4096, Protection.READ);
        assertEquals(42, s.getLong(s.base()), "the bytes survived PROT_NONE");
        assertEquals(pfn, s.physicalFrameNumber(s.base()));
        assertEquals(1, s.mappings().size(), "one mapping, its protection changed in place");
        assertEquals(Protection.READ, s.mappings().get(0).protection());
    }
}

package org.aepdsm.backend.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import org.aepdsm.api.memory.FramePool;
import org.aepdsm.api.memory.MapMode;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.api.paging.PageMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The page tables are real x86-64 tables in simulated memory: decoded here by hand, bit by bit,
 * from the bytes of the frames.
 */
class PageTableLayoutTest {
    private static final ValueLayout.OfLong LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long P = 1, RW = 2, US = 4, A = 32, D = 64, PS = 128, COW = 1 << 9, OWNED = 1 << 10;
    private static final long NX = 1L << 63;
    private static final long PFN = 0x000F_FFFF_FFFF_F000L;

    private final SimMachine machine = new SimMachine(MachineConfig.of(1, 64, 8));

    @AfterEach
    void shutdown() {
        machine.shutdown();
    }

    /** Reads entry {@code index} of the table at physical address {@code table}, as the MMU would. */
    private long entry(long table, long index) {
        MemorySegment frame = machine.memory().slice(table, 4096);
        return frame.get(LE, index * 8);
    }

    private static long index(long va, int level) {
        return (va >>> (12 + 9 * (level - 1))) & 511;
    }

    @Test
    void aFourKilobytePageIsReachedThroughFourTablesWithTheRealBits() {
        FramePool pool = machine.framePool(0);
        SimAddressSpace s = (SimAddressSpace) machine.createAddressSpace(0, 64L << 20);
        long f = pool.allocate(0);
        long va = s.base() + 0x35000;
        s.map(va, 4096, pool, f, PageSize.SIZE_4K, Protection.READ_WRITE, MapMode.SHARED);

        long pml4 = s.pageTableRoot();
        long pml4e = entry(pml4, index(va, 4));
        assertEquals(P | RW | US, pml4e & 0xFFF & ~A, "PML4E: present, writable, user");
        long pdpte = entry(pml4e & PFN, index(va, 3));
        assertEquals(0, pdpte & PS, "PDPTE points at a PD, PS clear");
        long pde = entry(pdpte & PFN, index(va, 2));
        assertEquals(0, pde & PS, "PDE points at a PT, PS clear");
        long pte = entry(pde & PFN, index(va, 1));
        assertEquals(P, pte & P);
        assertEquals(RW, pte & RW);
        assertEquals(US, pte & US);
        assertEquals(NX, pte & NX, "not executable: NX set");
        assertEquals(pool.physicalAddress(f), pte & PFN, "PFN bits 12-51 hold the frame's physical address");
        assertEquals(0, pte & (A | D), "neither accessed nor dirty before any access");

        s.putLong(va + 8, 7);
        pte = entry(pde & PFN, index(va, 1));
        assertEquals(A | D, pte & (A | D), "a store sets accessed and dirty");
        assertEquals(7, machine.memory().readLong(pool.physicalAddress(f) + 8));
        assertEquals(pool.physicalAddress(f) >>> 12, s.physicalFrameNumber(va));
        assertEquals(4, s.stats().pageTablePages());
    }

    @Test
    void aTwoMegabytePageIsAPdeWithPsAndReadOnlyClearsRw() {
        FramePool pool = machine.framePool(0);
        SimAddressSpace s = (SimAddressSpace) machine.createAddressSpace(0, 64L << 20);
        long f = pool.allocate(9);
        long va = s.base() + (4L << 20);
        s.map(va, 2L << 20, pool, f, PageSize.SIZE_2M, Protection.READ_EXEC, MapMode.SHARED);
        long pml4e = entry(s.pageTableRoot(), index(va, 4));
        long pdpte = entry(pml4e & PFN, index(va, 3));
        long pde = entry(pdpte & PFN, index(va, 2));
        assertEquals(PS | P | US, pde & (PS | P | US | RW));
        assertEquals(0, pde & NX, "executable: NX clear");
        assertEquals(pool.physicalAddress(f), pde & PFN);
        assertEquals(3, s.stats().pageTablePages(), "no PT below a 2 MiB leaf");
    }

    @Test
    void copyOnWriteAndDemandPagesCarryTheirSoftwareBits() {
        FramePool pool = machine.framePool(0);
        SimAddressSpace s = (SimAddressSpace) machine.createAddressSpace(0, 64L << 20);
        long f = pool.allocate(0);
        long cowVa = s.base();
        s.map(cowVa, 4096, pool, f, PageSize.SIZE_4K, Protection.READ_WRITE, MapMode.COPY_ON_WRITE);
        long demandVa = s.base() + 4096;
        s.mapOnDemand(demandVa, 4096, PageSize.SIZE_4K, Protection.READ_WRITE);
        s.getByte(demandVa);
        long pt = entry(entry(entry(s.pageTableRoot(), index(cowVa, 4)) & PFN, index(cowVa, 3)) & PFN,
                index(cowVa, 2)) & PFN;
        long cow = entry(pt, index(cowVa, 1));
        assertEquals(COW | P, cow & (COW | P | RW), "COW page: present, RW clear, software COW bit 9");
        long demand = entry(pt, index(demandVa, 1));
        assertEquals(OWNED | P | RW, demand & (OWNED | P | RW | COW), "demand page: owned (bit 10), writable");
        s.putByte(cowVa, (byte) 1);
        cow = entry(pt, index(cowVa, 1));
        assertEquals(OWNED | P | RW, cow & (OWNED | P | RW | COW), "broken COW page: private, writable");
        assertNotEquals(pool.physicalAddress(f), cow & PFN);
    }

    @Test
    void pageTablePagesAreFreedWhenEverythingIsUnmapped() {
        FramePool pool = machine.framePool(0);
        SimAddressSpace s = (SimAddressSpace) machine.createAddressSpace(0, 1L << 40);
        long f = pool.allocate(9);
        long free = pool.freeFrames();
        s.map(s.base(), 4096, pool, f, PageSize.SIZE_4K, Protection.READ, MapMode.SHARED);
        s.map(s.base() + (1L << 39), 2L << 20, pool, f, PageSize.SIZE_2M, Protection.READ, MapMode.SHARED);
        s.mapOnDemand(s.base() + (3L << 30), 8L << 20, PageSize.SIZE_4K, Protection.READ_WRITE);
        for (long off = 0; off < (8L << 20); off += 2L << 20) {
            s.putLong(s.base() + (3L << 30) + off, off);
        }
        assertEquals(1 + 3 + 2 + 5, s.stats().pageTablePages(),
                "PML4; PDPT+PD+PT for the first page; PDPT+PD for the 2 MiB page; PD+4 PTs for the demand range");
        assertEquals(11, machine.zone(0).usedFrames());
        assertEquals(free - 4, pool.freeFrames(), "the frame pool lost only the four demand pages");

        s.unmap(s.base(), 4096);
        assertEquals(9, s.stats().pageTablePages(),
                "the emptied PT and PD of the first page are gone; their PDPT still serves the demand range");
        s.unmap(s.base() + (1L << 39), 2L << 20);
        s.unmap(s.base() + (3L << 30), 8L << 20);
        assertEquals(0, s.stats().pageTablePages(), "even the PML4 is freed once nothing is mapped");
        assertEquals(0, s.pageTableRoot());
        assertEquals(0, machine.zone(0).usedFrames());
        assertEquals(free, pool.freeFrames());
    }

    @Test
    void closingASpaceFreesItsTablesAndItsPages() {
        FramePool pool = machine.framePool(0);
        long free = pool.freeFrames();
        SimAddressSpace s = (SimAddressSpace) machine.createAddressSpace(0, 64L << 20);
        s.mapOnDemand(s.base(), 16L << 20, PageSize.SIZE_4K, Protection.READ_WRITE);
        for (long off = 0; off < (16L << 20); off += 1L << 20) {
            s.putByte(s.base() + off, (byte) 1);
        }
        assertEquals(free - 16, pool.freeFrames());
        s.close();
        assertEquals(free, pool.freeFrames());
        assertEquals(0, machine.zone(0).usedFrames());
    }

    @Test
    void thePageMapListsPhysicalFrameNumbersPerMapping() {
        FramePool pool = machine.framePool(0);
        SimAddressSpace s = (SimAddressSpace) machine.createAddressSpace(0, 64L << 20);
        long f = pool.allocate(2);
        s.map(s.base(), 4 * 4096, pool, f, PageSize.SIZE_4K, Protection.READ, MapMode.SHARED);
        s.mapOnDemand(s.base() + (2L << 20), 3 * 4096, PageSize.SIZE_4K, Protection.READ_WRITE);
        s.getByte(s.base() + (2L << 20) + 4096);
        PageMap map = s.pageMap();
        assertEquals(2, map.vmas().size());
        PageMap.Vma given = map.vmas().get(0);
        assertEquals(s.base() >>> 12, given.startVpn());
        for (int i = 0; i < 4; i++) {
            assertEquals((pool.physicalAddress(f) >>> 12) + i, given.pfns()[i]);
        }
        long[] demand = map.vmas().get(1).pfns();
        assertEquals(PageMap.NOT_PRESENT, demand[0]);
        assertEquals(s.physicalFrameNumber(s.base() + (2L << 20) + 4096), demand[1]);
        assertEquals(PageMap.NOT_PRESENT, demand[2]);
        assertEquals(5, map.presentPages());
    }
}

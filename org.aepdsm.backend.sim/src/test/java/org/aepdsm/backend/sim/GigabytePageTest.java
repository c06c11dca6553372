package org.aepdsm.backend.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.aepdsm.api.memory.FramePool;
import org.aepdsm.api.memory.MapMode;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.api.memory.Translation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** 1 GiB pages: a PDPTE with PS set, on a node of exactly one order-18 block. */
class GigabytePageTest {
    private final SimMachine machine = new SimMachine(MachineConfig.of(1, 1024, 2));

    @AfterEach
    void shutdown() {
        machine.shutdown();
    }

    @Test
    void aGigabytePageIsOnePdpteAndOneTlbEntry() {
        FramePool pool = machine.framePool(0);
        long f = pool.allocate(FramePool.MAX_ORDER);
        SimAddressSpace s = (SimAddressSpace) machine.createAddressSpace(0, 2L << 30);
        long va = s.base() + (1L << 30);
        s.map(va, 1L << 30, pool, f, PageSize.SIZE_1G, Protection.READ_WRITE, MapMode.SHARED);
        assertEquals(2, s.stats().pageTablePages(), "PML4 and PDPT only");
        long pml4e = machine.memory().readLong(s.pageTableRoot() + ((va >>> 39) & 511) * 8);
        long pdpte = machine.memory().readLong((pml4e & 0x000F_FFFF_FFFF_F000L) + ((va >>> 30) & 511) * 8);
        assertEquals(0x81, pdpte & 0x81, "PDPTE: PS and P");
        assertEquals(pool.physicalAddress(f), pdpte & 0x000F_FFFF_FFFF_F000L);

        for (long off = 0; off < (1L << 30); off += 64L << 20) {
            s.getByte(va + off);
        }
        assertEquals(1, s.stats().tlbMisses(), "one entry covers the gigabyte");
        assertEquals(2, s.stats().walkReferences(), "the walk stops at the PDPTE");
        s.putLong(va + (700L << 20) + 8, 12345);
        assertEquals(12345, pool.frames(f + (700L << 8), 1).get(java.lang.foreign.ValueLayout.JAVA_LONG, 8));
        Translation t = s.translate(va + (700L << 20) + 8).orElseThrow();
        assertEquals(PageSize.SIZE_1G, t.pageSize());
        assertEquals(f + (700L << 8), t.frame());
        s.unmap(va, 1L << 30);
        assertEquals(0, pool.mapCount(f));
        assertEquals(0, s.stats().pageTablePages());
        pool.free(f, FramePool.MAX_ORDER);
    }
}

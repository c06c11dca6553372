package org.aepdsm.mmview;

import static org.aepdsm.testkit.Errors.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.api.memory.ViewableSpace;
import org.aepdsm.backend.sim.MachineConfig;
import org.aepdsm.backend.sim.SimMachine;
import org.junit.jupiter.api.Test;

/** CREATE under memory pressure, and what a view costs in page tables, on the simulated backend. */
class SimViewMemoryTest {
    @Test
    void createUnderMemoryPressureIsEnomemAndChangesNothing() {
        SimMachine m = new SimMachine(MachineConfig.of(1, 32, 8).withInjectedFailures(1.0, 7));
        try {
            ViewableSpace s = (ViewableSpace) m.createAddressSpace(0, 64L << 20);
            s.mapOnDemand(s.base(), 1L << 20, PageSize.SIZE_4K, Protection.READ_WRITE);
            try (SpaceViews views = new SpaceViews(s, true)) {
                int spaces = m.addressSpaces().size();
                assertErrno(Errno.ENOMEM, () -> views.create());
                assertEquals(1, views.views().size());
                assertEquals(spaces, m.addressSpaces().size());
                assertEquals(1, s.viewCount());
            }
        } finally {
            m.shutdown();
        }
    }

    @Test
    void aViewOfSharedMemoryLinksTheBasesTablesInsteadOfCopyingThem() {
        SimMachine m = new SimMachine(MachineConfig.of(1, 64, 8));
        try {
            ViewableSpace s = (ViewableSpace) m.createAddressSpace(0, 1L << 30);
            s.mapOnDemand(s.base(), 16L << 20, PageSize.SIZE_4K, Protection.READ_WRITE);
            for (long a = s.base(); a < s.base() + (16L << 20); a += 4096) {
                s.putByte(a, (byte) 1);
            }
            long before = m.framePool(0).freeFrames();
            ViewableSpace v = s.createView();
            assertEquals(before, m.framePool(0).freeFrames(), "no data frame is copied");
            assertEquals(1, v.stats().pageTablePages(), "the view's own tables: one PML4 linking the shared PDPT");
            v.close();
        } finally {
            m.shutdown();
        }
    }
}

package org.aepdsm.backend.sim;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.backend.sim.frame.BuddyAllocator;
import org.aepdsm.backend.sim.paging.TableFrames;
import org.aepdsm.backend.sim.phys.PhysicalMemory;

/**
 * The frames a node keeps for page tables: the part of the node's DRAM bank after its
 * {@link SimFramePool}, like memory the kernel keeps for itself.
 *
 * <pre>
 *   bank of node n:  [ frame pool: frames 0 .. poolFrames-1 | page-table zone: zoneFrames frames ]
 * </pre>
 *
 * <p>Page tables come from this zone so that mapping and unmapping change the frame pool's free
 * count by exactly the data frames involved (which the contract tests check); tables still
 * occupy real simulated DRAM of the node, are counted per address space, and are freed when
 * they empty. When the zone is exhausted, tables come from the node's frame pool instead,
 * pinned so that no user can free them.
 *
 * <p>Thread-safety: all methods may be called from any thread (one lock). Ownership: a frame
 * belongs to the page table that allocated it until it is freed.
 */
final class PageTableZone implements TableFrames {
    private final SimFramePool pool;
    private final PhysicalMemory memory;
    private final long zoneBase;
    private final BuddyAllocator zone;

    PageTableZone(SimFramePool pool, PhysicalMemory memory, int bank, long zoneFrames) {
        this.pool = pool;
        this.memory = memory;
        this.zoneBase = PhysicalMemory.bankBase(bank) + pool.frameCount() * PageSize.FRAME_BYTES;
        this.zone = new BuddyAllocator(zoneFrames, 0);
    }

    @Override
    public synchronized long allocateTable() {
        long f = zone.allocate(0);
        if (f >= 0) {
            long pa = zoneBase + f * PageSize.FRAME_BYTES;
            memory.zero(pa, PageSize.FRAME_BYTES);
            return pa;
        }
        try {
            return pool.addressOf(pool.allocatePinned(0));
        } catch (AepException e) {
            throw new AepException(Errno.ENOMEM, "no frame left for a page table on node " + pool.node()
                    + " (zone of " + zone.frames() + " frames and " + pool.name() + " exhausted)", e);
        }
    }

    @Override
    public synchronized void freeTable(long physicalAddress) {
        if (physicalAddress >= zoneBase) {
            zone.free((physicalAddress - zoneBase) / PageSize.FRAME_BYTES, 0);
        } else {
            pool.freePinned((physicalAddress - PhysicalMemory.bankBase(memory.bankOf(physicalAddress)))
                    / PageSize.FRAME_BYTES, 0);
        }
    }

    /** Frames of the zone in use. */
    synchronized long usedFrames() {
        return zone.frames() - zone.freeFrames();
    }
}

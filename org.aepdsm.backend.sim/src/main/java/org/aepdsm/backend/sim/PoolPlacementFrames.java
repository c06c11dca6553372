package org.aepdsm.backend.sim;

import org.aepdsm.backend.sim.frame.ContiguityPlacement;

/**
 * A node's {@link SimFramePool} as contiguity-aware placement sees it: every block it takes is
 * pinned for the address space's own use, as demand fills under the buddy policy are, so the
 * space's usual release path frees it.
 *
 * <p>Thread-safety: safe from any thread (the pool serialises). Ownership: blocks taken belong to the
 * address space that asked.
 */
final class PoolPlacementFrames implements ContiguityPlacement.Frames {
    private final SimFramePool pool;

    PoolPlacementFrames(SimFramePool pool) {
        this.pool = pool;
    }

    @Override
    public long nextFit(long wanted, int order) {
        return pool.nextFitRun(wanted, order);
    }

    @Override
    public long tryAllocateAt(long frame, int order) {
        return pool.tryAllocatePinnedAt(frame, order);
    }

    @Override
    public long allocate(int order) {
        return pool.allocatePinned(order);
    }
}

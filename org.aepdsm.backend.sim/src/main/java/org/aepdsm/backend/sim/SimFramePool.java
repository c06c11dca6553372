package org.aepdsm.backend.sim;

import java.lang.foreign.MemorySegment;
import java.util.List;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.FramePool;
import org.aepdsm.api.memory.FrameRun;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.api.memory.Tier;
import org.aepdsm.backend.sim.frame.BuddyAllocator;
import org.aepdsm.backend.sim.frame.FreeRunIndex;
import org.aepdsm.backend.sim.phys.PhysicalMemory;

/**
 * A node's DRAM, or the CXL tier, as a {@link FramePool}: a {@link BuddyAllocator} over the
 * first {@link #frameCount()} frames of one physical bank, plus a map count per frame.
 *
 * <p>Frame {@code f} lives at physical address {@code bankBase + f * 4096}. A frame's map
 * count is the number of page-table leaves (4 KiB frames of larger pages included) and page
 * tables that refer to it; a block with a mapped frame cannot be freed.
 *
 * <p>Thread-safety: every method may be called from any thread; one lock per pool
 * serialises the buddy state and the map counts. Ownership: blocks belong to whoever allocated
 * them; frames a space allocated for itself are pinned (map count at least 1) so that no one
 * else can free them. Once the machine shut down, every method but the identity getters throws
 * {@code ESTALE}.
 */
final class SimFramePool implements FramePool {
    private final SimMachine machine;
    private final String name;
    private final int node;
    private final Tier tier;
    private final PhysicalMemory memory;
    private final long base;
    private final BuddyAllocator buddy;
    private final int[] mapCounts;
    private FreeRunIndex runIndex;

    SimFramePool(SimMachine machine, String name, int node, Tier tier, PhysicalMemory memory, int bank, long frames) {
        this.machine = machine;
        this.name = name;
        this.node = node;
        this.tier = tier;
        this.memory = memory;
        this.base = PhysicalMemory.bankBase(bank);
        this.buddy = new BuddyAllocator(frames, MAX_ORDER);
        this.mapCounts = new int[(int) frames];
    }

    @Override
    public String name() {
        return name;
    }

    /** The node, or -1 for the CXL tier that all nodes share. */
    @Override
    public int node() {
        return node;
    }

    @Override
    public Tier tier() {
        return tier;
    }

    @Override
    public long frameCount() {
        return buddy.frames();
    }

    SimMachine machine() {
        return machine;
    }

    @Override
    public synchronized long freeFrames() {
        checkActive();
        return buddy.freeFrames();
    }

    @Override
    public synchronized long allocate(int order) {
        checkActive();
        long f = buddy.allocate(order);
        if (f < 0) {
            throw new AepException(Errno.ENOMEM, "no free block of order " + order + " in " + name + " ("
                    + buddy.freeFrames() + " frames free)");
        }
        zero(f, order);
        return f;
    }

    @Override
    public synchronized long allocateAt(long frame, int order) {
        checkActive();
        buddy.allocateAt(frame, order);
        zero(frame, order);
        return frame;
    }

    @Override
    public synchronized void free(long frame, int order) {
        checkActive();
        buddy.checkAllocatedBlock(frame, order);
        for (long f = frame; f < frame + (1L << order); f++) {
            if (mapCounts[(int) f] > 0) {
                throw new AepException(Errno.EBUSY, "frame " + f + " of " + name + " is mapped "
                        + mapCounts[(int) f] + " times");
            }
        }
        buddy.free(frame, order);
    }

    @Override
    public synchronized boolean isAllocated(long frame) {
        checkActive();
        return buddy.isAllocated(frame);
    }

    @Override
    public synchronized int mapCount(long frame) {
        checkActive();
        if (frame < 0 || frame >= mapCounts.length) {
            return 0;
        }
        return mapCounts[(int) frame];
    }

    @Override
    public synchronized MemorySegment frames(long frame, long count) {
        checkActive();
        checkRange(frame, count);
        long free = buddy.firstFree(frame, count);
        if (free >= 0) {
            throw new AepException(Errno.EINVAL, "frame " + free + " of " + name + " is not allocated");
        }
        return memory.slice(base + frame * PageSize.FRAME_BYTES, count * PageSize.FRAME_BYTES);
    }

    @Override
    public long physicalAddress(long frame) {
        checkActive();
        checkRange(frame, 1);
        return base + frame * PageSize.FRAME_BYTES;
    }

    @Override
    public synchronized List<FrameRun> freeRuns() {
        checkActive();
        return buddy.freeRuns();
    }

    /**
     * Counts one more mapping of each frame, refusing unless every frame is allocated (atomically,
     * so an owner's concurrent free cannot slip in between).
     *
     * @throws AepException {@code EINVAL} naming the first frame that is out of range or free
     */
    synchronized void pin(long first, long count) {
        checkActive();
        checkRange(first, count);
        long free = buddy.firstFree(first, count);
        if (free >= 0) {
            throw new AepException(Errno.EINVAL, "frame " + free + " of " + name + " is not allocated");
        }
        for (long f = first; f < first + count; f++) {
            mapCounts[(int) f]++;
        }
    }

    /** Counts one mapping less of each frame. */
    synchronized void unpin(long first, long count) {
        for (long f = first; f < first + count; f++) {
            if (mapCounts[(int) f] == 0) {
                throw new IllegalStateException("frame " + f + " of " + name + " is not mapped");
            }
            mapCounts[(int) f]--;
        }
    }

    /**
     * Allocates a zeroed block for an address space's own use, pinned so that only the space frees it.
     *
     * @return the first frame
     * @throws AepException {@code ENOMEM} when no block is free
     */
    synchronized long allocatePinned(int order) {
        long f = allocate(order);
        for (long i = f; i < f + (1L << order); i++) {
            mapCounts[(int) i]++;
        }
        return f;
    }

    /** Unpins and frees a block that {@link #allocatePinned} gave. */
    synchronized void freePinned(long frame, int order) {
        unpin(frame, 1L << order);
        buddy.free(frame, order);
    }

    /**
     * Unpins a block that {@link #allocatePinned} gave and frees it once nothing maps it any more
     * (views of one space may map a frame their space allocated).
     */
    synchronized void releaseOwned(long frame, int order) {
        unpin(frame, 1L << order);
        if (mapCounts[(int) frame] == 0) {
            buddy.free(frame, order);
        }
    }

    /**
     * Allocates {@code count} consecutive zeroed frames (a shared pool's region).
     *
     * @return the first frame, or -1 when no free run is long enough
     */
    synchronized long allocateRun(long count) {
        checkActive();
        long f = buddy.allocateRun(count);
        if (f >= 0) {
            memory.zero(base + f * PageSize.FRAME_BYTES, count * PageSize.FRAME_BYTES);
        }
        return f;
    }

    /** Frees a run that {@link #allocateRun} gave. */
    synchronized void freeRun(long first, long count) {
        buddy.freeRun(first, count);
    }

    /**
     * Contiguity-aware placement's choice of where {@code wanted} frames should go (see
     * {@link FreeRunIndex#nextFit}). The free-run index is built on the first call and from then on
     * follows every allocation and free of the buddy allocator.
     *
     * @return the first frame chosen, or -1 when no free run holds a block of the order
     */
    synchronized long nextFitRun(long wanted, int order) {
        checkActive();
        if (runIndex == null) {
            runIndex = new FreeRunIndex(buddy.freeRuns());
            buddy.setObserver(runIndex);
        }
        return runIndex.nextFit(wanted, order);
    }

    /**
     * Allocates exactly the block at {@code frame} for an address space's own use, pinned as
     * {@link #allocatePinned} does, if every frame of it is free.
     *
     * @return {@code frame}, or -1 when the block is out of range, unaligned or not wholly free
     */
    synchronized long tryAllocatePinnedAt(long frame, int order) {
        checkActive();
        long count = 1L << order;
        if (frame < 0 || frame > buddy.frames() - count || (frame & (count - 1)) != 0
                || buddy.firstAllocatedIn(frame, count) >= 0) {
            return -1;
        }
        allocateAt(frame, order);
        for (long i = frame; i < frame + count; i++) {
            mapCounts[(int) i]++;
        }
        return frame;
    }

    /** The physical address of a frame, unchecked (internal callers pass valid frames). */
    long addressOf(long frame) {
        return base + frame * PageSize.FRAME_BYTES;
    }

    private void zero(long frame, int order) {
        memory.zero(base + frame * PageSize.FRAME_BYTES, PageSize.FRAME_BYTES << order);
    }

    private void checkRange(long frame, long count) {
        if (count < 1) {
            throw new AepException(Errno.EINVAL, "frame count " + count + " is below 1");
        }
        if (frame < 0 || frame >= buddy.frames() || count > buddy.frames() - frame) {
            throw new AepException(Errno.EINVAL, "frames " + frame + "+" + count + " leave " + name + " of "
                    + buddy.frames() + " frames");
        }
    }

    private void checkActive() {
        if (!machine.isActive()) {
            throw new AepException(Errno.ESTALE, "frame pool " + name
                    + " belongs to a sim backend that is no longer active");
        }
    }

    @Override
    public String toString() {
        return "SimFramePool[" + name + ", " + buddy.frames() + " frames]";
    }
}

package org.aepdsm.backend.os;

import java.lang.foreign.MemorySegment;
import java.util.List;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.FramePool;
import org.aepdsm.api.memory.FrameRun;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.api.memory.Tier;
import org.aepdsm.backend.os.ffm.FileMapping;
import org.aepdsm.backend.os.ffm.MemoryFile;

/*
 * A frame pool over one memory file: frame N is the 4 KiB at file offset N * 4096.
 *
 *   pool file (memfd)   | frame 0 | frame 1 | ... | frame N-1 |
 *   JVM mapping         one MAP_SHARED read-write mapping of the whole file -> frames() slices
 *   address spaces      MAP_FIXED mappings of file ranges inside their reservations
 *
 * Which frames are allocated is decided by a BuddyAllocator in Java; the kernel only ever sees
 * file offsets. Free frames are holes in the file: free() and allocate() punch the block out
 * (FALLOC_FL_PUNCH_HOLE), which gives the memory back to the kernel and makes the block read as
 * zero through every mapping, even if a stale frames() slice wrote into it while it was free.
 * mapCounts counts the address-space pages mapping each frame, as runs of equal count (a mapping of
 * a morsel's million frames is one run, not a million counters); a block with a mapped frame cannot
 * be freed. All state changes hold the pool's monitor.
 */
/**
 * The node's DRAM: a {@link FramePool} over a {@code memfd}.
 *
 * <p>{@link #physicalAddress} is pool-relative ({@code frame * 4096}); the machine's real frame
 * numbers of mapped pages come from {@link org.aepdsm.api.memory.AddressSpace#physicalFrameNumber}.
 *
 * <p>Ownership: owned by its {@link NativeMachine}, which closes it on shutdown; after that every
 * method throws ESTALE and the segments from {@link #frames} throw {@link IllegalStateException}.
 * Thread-safety: all methods may be called from any thread.
 */
final class NativeFramePool implements FramePool {
    private final NativeMachine machine;
    private final int node;
    private final MemoryFile file;
    private final FileMapping mapping;
    private final BuddyAllocator buddy;
    private final FrameMapCounts mapCounts;
    /** Frames of another process's pool file, attached: never allocated, freed or zeroed here. */
    private final boolean borrowed;
    private boolean closed;

    NativeFramePool(NativeMachine machine, int node, MemoryFile file) {
        this(machine, node, file, false);
    }

    private NativeFramePool(NativeMachine machine, int node, MemoryFile file, boolean borrowed) {
        this.machine = machine;
        this.node = node;
        this.file = file;
        this.mapping = FileMapping.map(file);
        this.buddy = new BuddyAllocator(file.description(), file.size() / PageSize.FRAME_BYTES);
        this.mapCounts = new FrameMapCounts(buddy.frameCount());
        this.borrowed = borrowed;
    }

    /**
     * A pool over another process's pool file in which exactly {@code runs} count as allocated (their
     * bytes are kept: nothing is punched), so that address spaces can map those frames and no others.
     * It refuses allocate and free with EPERM. The caller owns it and closes it; on failure the file
     * is left open for the caller to close.
     *
     * @throws AepException EINVAL if a run leaves the file
     */
    static NativeFramePool borrowed(NativeMachine machine, MemoryFile file, List<FrameRun> runs) {
        NativeFramePool p = new NativeFramePool(machine, 0, file, true);
        try {
            for (FrameRun r : runs) {
                if (r.end() > p.buddy.frameCount()) {
                    throw new AepException(Errno.EINVAL, "frames " + r.first() + ".." + (r.end() - 1) + " leave "
                            + file.description() + " (frames 0.." + (p.buddy.frameCount() - 1) + ")");
                }
                for (long f = r.first(); f < r.end();) {
                    int order = Math.min(Long.numberOfTrailingZeros(f | (1L << FramePool.MAX_ORDER)),
                            63 - Long.numberOfLeadingZeros(r.end() - f));
                    p.buddy.allocateAt(f, order);
                    f += 1L << order;
                }
            }
        } catch (AepException e) {
            p.mapping.close();
            throw e;
        }
        return p;
    }

    /** Whether the frames belong to another process's pool ({@link #borrowed}). */
    boolean isBorrowed() {
        return borrowed;
    }

    private void checkOwn(String what) {
        if (borrowed) {
            throw new AepException(Errno.EPERM, "frame pool " + name() + " belongs to another process: cannot "
                    + what + " frames of it here");
        }
    }

    @Override
    public String name() {
        return file.description();
    }

    @Override
    public int node() {
        return node;
    }

    @Override
    public Tier tier() {
        return Tier.DRAM;
    }

    @Override
    public long frameCount() {
        return buddy.frameCount();
    }

    @Override
    public synchronized long freeFrames() {
        checkLive();
        return buddy.freeFrames();
    }

    @Override
    public synchronized long allocate(int order) {
        checkLive();
        checkOwn("allocate");
        long f = buddy.allocate(order);
        return zeroOrUndo(f, order);
    }

    @Override
    public synchronized long allocateAt(long frame, int order) {
        checkLive();
        checkOwn("allocate");
        long f = buddy.allocateAt(frame, order);
        return zeroOrUndo(f, order);
    }

    private long zeroOrUndo(long f, int order) {
        try {
            file.punchHole(f * PageSize.FRAME_BYTES, PageSize.FRAME_BYTES << order);
        } catch (AepException e) {
            buddy.free(f, order);
            throw e;
        }
        return f;
    }

    /** The block at {@code frame} if it can be taken now, else -1; never throws for a busy or bad frame. */
    synchronized long tryAllocateAt(long frame, int order) {
        checkLive();
        if (frame < 0 || frame >= buddy.frameCount() || (frame & ((1L << order) - 1)) != 0
                || frame + (1L << order) > buddy.frameCount() || buddy.firstAllocatedIn(frame, 1L << order) >= 0) {
            return -1;
        }
        return allocateAt(frame, order);
    }

    @Override
    public synchronized void free(long frame, int order) {
        checkLive();
        checkOwn("free");
        buddy.checkBlock(frame, order);
        long mapped = mapCounts.firstMapped(frame, 1L << order);
        if (mapped >= 0) {
            throw new AepException(Errno.EBUSY, "frame " + mapped + " of the block at frame " + frame
                    + " is still mapped (" + mapCounts.count(mapped) + " mappings)");
        }
        file.punchHole(frame * PageSize.FRAME_BYTES, PageSize.FRAME_BYTES << order);
        buddy.free(frame, order);
    }

    @Override
    public synchronized boolean isAllocated(long frame) {
        checkLive();
        return buddy.isAllocated(frame);
    }

    @Override
    public synchronized int mapCount(long frame) {
        checkLive();
        return mapCounts.count(frame);
    }

    @Override
    public synchronized MemorySegment frames(long frame, long count) {
        checkLive();
        if (count < 1) {
            throw new AepException(Errno.EINVAL, "count " + count + " of frames at frame " + frame + " is not positive");
        }
        requireAllocated(frame, count);
        return mapping.segment().asSlice(frame * PageSize.FRAME_BYTES, count * PageSize.FRAME_BYTES);
    }

    @Override
    public long physicalAddress(long frame) {
        buddy.checkFrame(frame);
        return frame * PageSize.FRAME_BYTES;
    }

    @Override
    public synchronized List<FrameRun> freeRuns() {
        checkLive();
        return buddy.freeRuns();
    }

    /**
     * Checks that {@code [frame, frame + count)} lies in the pool and is allocated.
     *
     * @throws AepException EINVAL naming the first frame that is not
     */
    synchronized void requireAllocated(long frame, long count) {
        checkLive();
        if (frame < 0 || count < 1 || frame > buddy.frameCount() - count) {
            throw new AepException(Errno.EINVAL, "frames " + frame + ".." + (frame + count - 1) + " leave " + name()
                    + " (frames 0.." + (buddy.frameCount() - 1) + ")");
        }
        long missing = buddy.firstUnallocated(frame, count);
        if (missing >= 0) {
            throw new AepException(Errno.EINVAL, "frame " + missing + " is not allocated in " + name());
        }
    }

    /** Counts one more mapping of each frame of the range (the caller checked it is allocated). */
    synchronized void retain(long frame, long count) {
        mapCounts.retain(frame, count);
    }

    /** Counts one mapping less of each frame of the range. */
    synchronized void release(long frame, long count) {
        mapCounts.release(frame, count);
    }

    /**
     * Counts one mapping less of a block an address space owns and frees it once nothing maps it (views
     * of one space may share such a block); ignores a closed pool.
     */
    synchronized void releaseOwned(long frame, int order) {
        release(frame, 1L << order);
        if (mapCounts.firstMapped(frame, 1L << order) < 0) {
            freeOwned(frame, order);
        }
    }

    /** Frees a block an address space owned, after its last mapping is gone; ignores a closed pool. */
    synchronized void freeOwned(long frame, int order) {
        if (!closed) {
            free0(frame, order);
        }
    }

    private void free0(long frame, int order) {
        file.punchHole(frame * PageSize.FRAME_BYTES, PageSize.FRAME_BYTES << order);
        buddy.free(frame, order);
    }

    /** Copies {@code count} frames' bytes from {@code source} of {@code from} to {@code target} here. */
    void copyFrames(NativeFramePool from, long source, long target, long count) {
        MemorySegment.copy(from.mapping.segment(), source * PageSize.FRAME_BYTES, mapping.segment(),
                target * PageSize.FRAME_BYTES, count * PageSize.FRAME_BYTES);
    }

    /** The pool file, for address spaces to map. */
    MemoryFile file() {
        return file;
    }

    /** The address of the frame in the JVM's own mapping of the pool, populated, for pagemap lookups. */
    long populatedAddress(long frame) {
        long offset = frame * PageSize.FRAME_BYTES;
        mapping.populate(offset);
        return mapping.addressOf(offset);
    }

    NativeMachine machine() {
        return machine;
    }

    private void checkLive() {
        machine.checkActive();
        if (closed) {
            throw new AepException(Errno.ESTALE, "frame pool " + name() + " of backend native is closed");
        }
    }

    /** Makes every segment handed out inaccessible, then unmaps and closes the file. Idempotent. */
    synchronized void close() {
        if (!closed) {
            closed = true;
            mapping.close();
            file.close();
        }
    }
}

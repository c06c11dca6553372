package org.aepdsm.api.memory;

import java.lang.foreign.MemorySegment;
import java.util.List;

import org.aepdsm.api.AepException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Physical memory in 4 KiB frames, numbered from 0. Frames are handed out in
 * power-of-two blocks ({@code order} 0 is one frame, 9 is 2 MiB, 18 is 1 GiB),
 * aligned to their size, and hold real bytes reachable as a {@link MemorySegment}.
 *
 * <p>Ownership: the caller of {@link #allocate} owns the block until it calls
 * {@link #free}. A block that is still mapped in some {@link AddressSpace} cannot
 * be freed ({@link org.aepdsm.api.Errno#EBUSY}). Errors: an unaligned or
 * out-of-range frame or order is {@code EINVAL}; freeing what is not allocated at
 * that order (a double free) is {@code EINVAL}; no free block is {@code ENOMEM};
 * use after the backend was deactivated is {@code ESTALE}.
 *
 * <p>Thread-safety: all methods may be called from any thread.
 */
@ProviderType
public interface FramePool {
    /** Largest order a pool accepts (1 GiB blocks). */
    int MAX_ORDER = 18;

    /** A name for people, such as {@code node0-dram} or the backing file. */
    String name();

    /** The node whose memory this is. */
    int node();

    /** The memory tier. */
    Tier tier();

    /** Frames in the pool. */
    long frameCount();

    /** Frames not allocated. */
    long freeFrames();

    /**
     * Allocates a block of {@code 2^order} frames aligned to its size, zero-filled.
     *
     * @return the first frame number
     * @throws AepException {@code EINVAL} for an order outside 0..{@link #MAX_ORDER},
     *                      {@code ENOMEM} when no such block is free
     */
    long allocate(int order);

    /**
     * Allocates exactly the block starting at {@code frame}, zero-filled, as placement
     * policies that choose the physical address need.
     *
     * @return {@code frame}
     * @throws AepException {@code EINVAL} if the frame is out of range or not aligned to the order,
     *                      {@code EBUSY} if any frame of the block is allocated
     */
    long allocateAt(long frame, int order);

    /**
     * Returns a block to the pool.
     *
     * @throws AepException {@code EINVAL} if {@code frame} does not start a block of that order
     *                      allocated from this pool (including a second free), {@code EBUSY} if a
     *                      frame of it is still mapped
     */
    void free(long frame, int order);

    /** Whether the frame is part of an allocated block; false for out-of-range numbers. */
    boolean isAllocated(long frame);

    /** How many mappings refer to the frame now (0 for a free or out-of-range frame). */
    int mapCount(long frame);

    /**
     * The bytes of {@code count} frames starting at {@code frame}. The segment stays
     * valid while the backend is active; afterwards access throws {@link IllegalStateException}.
     *
     * @throws AepException {@code EINVAL} if the range leaves the pool or a frame in it is free
     */
    MemorySegment frames(long frame, long count);

    /** The physical address of a frame (the frame number times 4096 plus the pool's base). */
    long physicalAddress(long frame);

    /** The free runs of frames in ascending order, coalesced across buddy blocks. */
    List<FrameRun> freeRuns();
}

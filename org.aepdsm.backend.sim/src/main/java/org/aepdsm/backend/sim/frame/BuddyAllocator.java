package org.aepdsm.backend.sim.frame;

import java.util.ArrayList;
import java.util.List;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.FrameRun;

/**
 * A binary buddy allocator over frame numbers {@code [0, frames)}, as Linux's page allocator:
 * blocks of {@code 2^order} frames aligned to their size, one free list per order, split on
 * allocation and coalesced with the buddy ({@code frame ^ 2^order}) on free.
 *
 * <p>Per-frame state, so that every misuse is recognised exactly:
 *
 * <pre>
 *   head[f]      NOT_HEAD (-1)        f is not the first frame of a block
 *                o       (0..max)     f starts a free block of order o
 *                ALLOCATED | o        f starts an allocated block of order o
 *   next/prev[f] free-list links, threaded through the first frames of free blocks
 *   allocated    one bit per frame, set while the frame belongs to an allocated block
 * </pre>
 *
 * <p>Invariants: every frame lies in exactly one block (free or allocated); blocks are
 * aligned to their size; two free buddies of the same order never coexist (coalescing is
 * eager), so an aligned range whose frames are all free lies inside a single free block.
 * When the frame count is not a multiple of the largest block, the tail is covered by smaller
 * blocks whose buddies would lie outside the pool and are never merged.
 *
 * <p>Thread-safety: none; the owning pool serialises calls. Error messages name frames and
 * orders in decimal.
 */
public final class BuddyAllocator {
    private static final byte NOT_HEAD = -1;
    private static final int ALLOCATED = 0x40;
    private static final int NONE = -1;

    private final int frames;
    private final int maxOrder;
    private final byte[] head;
    private final int[] next;
    private final int[] prev;
    private final int[] freeList;
    private final long[] allocatedBits;
    private long freeFrames;
    private BlockObserver observer;

    /**
     * An allocator with every frame free.
     *
     * @param frames   frames managed, at least 1
     * @param maxOrder the largest order, 0..30
     */
    public BuddyAllocator(long frames, int maxOrder) {
        if (frames < 1 || frames > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("frame count " + frames + " is outside 1.." + Integer.MAX_VALUE / 2);
        }
        if (maxOrder < 0 || maxOrder > 30) {
            throw new IllegalArgumentException("max order " + maxOrder + " is outside 0..30");
        }
        this.frames = (int) frames;
        this.maxOrder = maxOrder;
        this.head = new byte[this.frames];
        this.next = new int[this.frames];
        this.prev = new int[this.frames];
        this.freeList = new int[maxOrder + 1];
        this.allocatedBits = new long[(this.frames + 63) >>> 6];
        java.util.Arrays.fill(head, NOT_HEAD);
        java.util.Arrays.fill(freeList, NONE);
        int f = 0;
        while (f < this.frames) {
            int o = f == 0 ? maxOrder : Math.min(maxOrder, Integer.numberOfTrailingZeros(f));
            while (f + (1 << o) > this.frames) {
                o--;
            }
            push(f, o);
            f += 1 << o;
        }
        this.freeFrames = frames;
    }

    /** Frames managed. */
    public long frames() {
        return frames;
    }

    /** The largest order. */
    public int maxOrder() {
        return maxOrder;
    }

    /** Frames in free blocks. */
    public long freeFrames() {
        return freeFrames;
    }

    /**
     * Takes the first block of the smallest free order at least {@code order}, splitting it.
     *
     * @return the first frame, or -1 when no block is large enough
     * @throws AepException {@code EINVAL} for an order outside 0..max
     */
    public long allocate(int order) {
        checkOrder(order);
        int o = order;
        while (o <= maxOrder && freeList[o] == NONE) {
            o++;
        }
        if (o > maxOrder) {
            return -1;
        }
        int f = freeList[o];
        unlink(f, o);
        while (o > order) {
            o--;
            push(f + (1 << o), o);
        }
        markAllocated(f, order);
        return f;
    }

    /**
     * Takes exactly the block of {@code 2^order} frames at {@code frame}.
     *
     * @throws AepException {@code EINVAL} if the block is unaligned or leaves the pool,
     *                      {@code EBUSY} naming the first allocated frame in it
     */
    public long allocateAt(long frame, int order) {
        checkOrder(order);
        checkFrame(frame);
        checkAligned(frame, order);
        if (frame + (1L << order) > frames) {
            throw new AepException(Errno.EINVAL, "block of order " + order + " at frame " + frame
                    + " leaves the pool of " + frames + " frames");
        }
        long busy = firstAllocated(frame, 1L << order);
        if (busy >= 0) {
            throw new AepException(Errno.EBUSY, "frame " + busy + " is allocated");
        }
        int f = (int) frame;
        int h = -1;
        int o = order;
        for (; o <= maxOrder; o++) {
            int candidate = f & -(1 << o);
            if (head[candidate] == o) {
                h = candidate;
                break;
            }
        }
        if (h < 0) {
            throw new IllegalStateException("free frames " + frame + "+" + (1L << order) + " lie in no free block");
        }
        unlink(h, o);
        while (o > order) {
            o--;
            int half = 1 << o;
            if (f >= h + half) {
                push(h, o);
                h += half;
            } else {
                push(h + half, o);
            }
        }
        markAllocated(f, order);
        return frame;
    }

    /**
     * Checks that {@code frame} starts an allocated block of exactly {@code order}, as
     * {@link #free} requires, without changing anything.
     *
     * @throws AepException {@code EINVAL} naming the frame and what it is instead
     */
    public void checkAllocatedBlock(long frame, int order) {
        checkOrder(order);
        checkFrame(frame);
        checkAligned(frame, order);
        int s = head[(int) frame];
        if (s != NOT_HEAD && (s & ALLOCATED) != 0) {
            if ((s & ~ALLOCATED) != order) {
                throw new AepException(Errno.EINVAL, "frame " + frame + " starts an allocated block of order "
                        + (s & ~ALLOCATED) + ", not of order " + order);
            }
            return;
        }
        if (isAllocated(frame)) {
            int h = blockHead(frame);
            throw new AepException(Errno.EINVAL, "frame " + frame + " lies inside the allocated block at frame "
                    + h + " of order " + (head[h] & ~ALLOCATED));
        }
        throw new AepException(Errno.EINVAL, "frame " + frame + " is not allocated (already free)");
    }

    /**
     * Returns a block and merges it with its free buddies.
     *
     * @throws AepException {@code EINVAL} unless {@code frame} starts an allocated block of that order
     */
    public void free(long frame, int order) {
        checkAllocatedBlock(frame, order);
        int f = (int) frame;
        head[f] = NOT_HEAD;
        setBits(f, 1L << order, false);
        freeFrames += 1L << order;
        int o = order;
        while (o < maxOrder) {
            int buddy = f ^ (1 << o);
            if ((long) buddy + (1L << o) > frames || head[buddy] != o) {
                break;
            }
            unlink(buddy, o);
            f = Math.min(f, buddy);
            o++;
        }
        push(f, o);
        if (observer != null) {
            observer.returned(frame, 1L << order);
        }
    }

    /** Whether the frame belongs to an allocated block; false outside the pool. */
    public boolean isAllocated(long frame) {
        if (frame < 0 || frame >= frames) {
            return false;
        }
        return (allocatedBits[(int) (frame >>> 6)] & (1L << frame)) != 0;
    }

    /** The first frame of {@code [first, first + count)} that is not allocated, or -1 if all are. */
    public long firstFree(long first, long count) {
        for (long f = first; f < first + count; f++) {
            if (!isAllocated(f)) {
                return f;
            }
        }
        return -1;
    }

    /** The first frame of {@code [first, first + count)} that is allocated, or -1 if all are free. */
    public long firstAllocatedIn(long first, long count) {
        long f = nextSet(first);
        return f < first + count ? f : -1;
    }

    /** The free runs in ascending order, adjacent free blocks merged. */
    public List<FrameRun> freeRuns() {
        List<FrameRun> runs = new ArrayList<>();
        long f = 0;
        while (f < frames) {
            long start = nextClear(f);
            if (start >= frames) {
                break;
            }
            long end = nextSet(start);
            runs.add(new FrameRun(start, end - start));
            f = end;
        }
        return runs;
    }

    /**
     * Allocates {@code count} consecutive frames as a few aligned blocks: the first free run
     * long enough, cut greedily into the largest aligned blocks (see {@link #blocksOf}).
     *
     * @return the first frame, or -1 when no free run is long enough
     */
    public long allocateRun(long count) {
        if (count < 1) {
            throw new IllegalArgumentException("run of " + count + " frames");
        }
        for (FrameRun r : freeRuns()) {
            if (r.count() >= count) {
                long first = r.first();
                blocksOf(first, count, this::allocateAt);
                return first;
            }
        }
        return -1;
    }

    /** Frees a run taken by {@link #allocateRun}. */
    public void freeRun(long first, long count) {
        blocksOf(first, count, this::free);
    }

    /** Visits the aligned blocks that cover {@code [first, first + count)}, largest first at each step. */
    public void blocksOf(long first, long count, BlockVisitor visitor) {
        long f = first;
        long left = count;
        while (left > 0) {
            int o = f == 0 ? maxOrder : Math.min(maxOrder, Long.numberOfTrailingZeros(f));
            o = Math.min(o, 63 - Long.numberOfLeadingZeros(left));
            visitor.block(f, o);
            f += 1L << o;
            left -= 1L << o;
        }
    }

    /**
     * Installs the one observer told of every block that changes hands from now on (null removes it),
     * so that an index of free frames can follow the allocator without scanning it.
     */
    public void setObserver(BlockObserver blockObserver) {
        this.observer = blockObserver;
    }

    /** Told of each block an allocation takes and each block a free returns, after the change. */
    public interface BlockObserver {
        /** {@code count} frames from {@code first} were free and are now allocated. */
        void taken(long first, long count);

        /** {@code count} frames from {@code first} were allocated and are now free. */
        void returned(long first, long count);
    }

    /** Receives one block of a run. */
    @FunctionalInterface
    public interface BlockVisitor {
        /** One aligned block of {@code 2^order} frames at {@code frame}. */
        void block(long frame, int order);
    }

    private int blockHead(long frame) {
        for (int o = 0; o <= maxOrder; o++) {
            int h = (int) frame & -(1 << o);
            int s = head[h];
            if (s != NOT_HEAD && (s & ~ALLOCATED) >= o && frame < h + (1L << (s & ~ALLOCATED))) {
                return h;
            }
        }
        throw new IllegalStateException("frame " + frame + " lies in no block");
    }

    private void checkOrder(int order) {
        if (order < 0 || order > maxOrder) {
            throw new AepException(Errno.EINVAL, "order " + order + " is outside 0.." + maxOrder);
        }
    }

    private void checkFrame(long frame) {
        if (frame < 0 || frame >= frames) {
            throw new AepException(Errno.EINVAL, "frame " + frame + " is outside the pool of " + frames + " frames");
        }
    }

    private static void checkAligned(long frame, int order) {
        if ((frame & ((1L << order) - 1)) != 0) {
            throw new AepException(Errno.EINVAL, "frame " + frame + " is not aligned to a block of order " + order);
        }
    }

    private long firstAllocated(long first, long count) {
        for (long f = first; f < first + count; f++) {
            if (isAllocated(f)) {
                return f;
            }
        }
        return -1;
    }

    private void markAllocated(int f, int order) {
        head[f] = (byte) (ALLOCATED | order);
        setBits(f, 1L << order, true);
        freeFrames -= 1L << order;
        if (observer != null) {
            observer.taken(f, 1L << order);
        }
    }

    private void push(int f, int o) {
        head[f] = (byte) o;
        prev[f] = NONE;
        next[f] = freeList[o];
        if (freeList[o] != NONE) {
            prev[freeList[o]] = f;
        }
        freeList[o] = f;
    }

    private void unlink(int f, int o) {
        if (prev[f] != NONE) {
            next[prev[f]] = next[f];
        } else {
            freeList[o] = next[f];
        }
        if (next[f] != NONE) {
            prev[next[f]] = prev[f];
        }
        head[f] = NOT_HEAD;
    }

    private void setBits(long first, long count, boolean value) {
        long end = first + count;
        long f = first;
        while (f < end) {
            int word = (int) (f >>> 6);
            int bit = (int) (f & 63);
            long span = Math.min(64 - bit, end - f);
            long mask = (span == 64 ? -1L : ((1L << span) - 1)) << bit;
            if (value) {
                allocatedBits[word] |= mask;
            } else {
                allocatedBits[word] &= ~mask;
            }
            f += span;
        }
    }

    private long nextClear(long from) {
        long f = from;
        while (f < frames) {
            int word = (int) (f >>> 6);
            long bits = ~allocatedBits[word] & (-1L << (f & 63));
            if (bits != 0) {
                return Math.min(frames, ((long) word << 6) + Long.numberOfTrailingZeros(bits));
            }
            f = ((long) word + 1) << 6;
        }
        return frames;
    }

    private long nextSet(long from) {
        long f = from;
        while (f < frames) {
            int word = (int) (f >>> 6);
            long bits = allocatedBits[word] & (-1L << (f & 63));
            if (bits != 0) {
                return Math.min(frames, ((long) word << 6) + Long.numberOfTrailingZeros(bits));
            }
            f = ((long) word + 1) << 6;
        }
        return frames;
    }
}

package org.aepdsm.backend.os;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.TreeSet;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.FramePool;
import org.aepdsm.api.memory.FrameRun;

/*
 * Binary buddy bookkeeping for frames 0..frames-1, kept entirely in Java (the bytes live in the
 * pool file; nothing here touches them).
 *
 *   frames:        0 1 2 3 4 5 6 7 8 9 ...
 *   allocated:     1 1 0 0 1 0 0 0 . .      one bit per frame (BitSet)
 *   allocHead:     0 - - - 0 - - - . .      order of the allocated block starting here, else -1
 *   freeHead:      - - 1 - - 0 1 - . .      order of the free block starting here, else -1
 *   freeLists[o]:  sorted starts of free blocks of order o (lowest address handed out first)
 *
 * Invariants: a block of order o starts at a multiple of 2^o and lies inside the pool; free blocks
 * are disjoint, cover exactly the clear bits, and are maximal (two free buddies of equal order are
 * always merged), so an aligned range whose frames are all free lies inside one free block; the
 * initial blocks are the largest aligned blocks that tile [0, frames). freeCount equals the number
 * of clear bits. Not thread-safe: the owning pool serializes calls.
 */
final class BuddyAllocator {
    private final String name;
    private final int frames;
    private final int maxOrder;
    private final BitSet allocated;
    private final byte[] allocHead;
    private final byte[] freeHead;
    private final List<TreeSet<Integer>> freeLists = new ArrayList<>();
    private long freeCount;

    BuddyAllocator(String name, long frames) {
        if (frames < 1 || frames > Integer.MAX_VALUE) {
            throw new AepException(Errno.EINVAL, "a pool of " + frames + " frames is outside 1.." + Integer.MAX_VALUE);
        }
        this.name = name;
        this.frames = (int) frames;
        this.maxOrder = Math.min(FramePool.MAX_ORDER, 63 - Long.numberOfLeadingZeros(frames));
        this.allocated = new BitSet(this.frames);
        this.allocHead = new byte[this.frames];
        this.freeHead = new byte[this.frames];
        Arrays.fill(allocHead, (byte) -1);
        Arrays.fill(freeHead, (byte) -1);
        for (int o = 0; o <= maxOrder; o++) {
            freeLists.add(new TreeSet<>());
        }
        int f = 0;
        while (f < this.frames) {
            int o = maxOrder;
            while ((f & ((1 << o) - 1)) != 0 || (long) f + (1 << o) > this.frames) {
                o--;
            }
            addFree(f, o);
            f += 1 << o;
        }
        freeCount = frames;
    }

    long frameCount() {
        return frames;
    }

    long freeFrames() {
        return freeCount;
    }

    boolean isAllocated(long frame) {
        return frame >= 0 && frame < frames && allocated.get((int) frame);
    }

    /** Whether every frame of {@code [first, first + count)} is inside the pool and allocated. */
    boolean allAllocated(long first, long count) {
        if (first < 0 || count < 1 || first > frames - count) {
            return false;
        }
        return allocated.nextClearBit((int) first) >= first + count;
    }

    /** The first frame of {@code [first, first + count)} that is not allocated, or -1. */
    long firstUnallocated(long first, long count) {
        int f = allocated.nextClearBit((int) first);
        return f < first + count ? f : -1;
    }

    /** The first allocated frame of {@code [first, first + count)}, or -1. */
    long firstAllocatedIn(long first, long count) {
        int f = allocated.nextSetBit((int) first);
        return f >= 0 && f < first + count ? f : -1;
    }

    static void checkOrder(int order) {
        if (order < 0 || order > FramePool.MAX_ORDER) {
            throw new AepException(Errno.EINVAL, "order " + order + " is outside 0.." + FramePool.MAX_ORDER);
        }
    }

    /** Checks that {@code frame} lies inside the pool, naming it otherwise. */
    void checkFrame(long frame) {
        if (frame < 0 || frame >= frames) {
            throw new AepException(Errno.EINVAL, "frame " + frame + " is outside " + name + " (frames 0.."
                    + (frames - 1) + ")");
        }
    }

    /** Takes the lowest free block of the order, splitting a larger one if needed. */
    long allocate(int order) {
        checkOrder(order);
        int o = order;
        while (o <= maxOrder && freeLists.get(o).isEmpty()) {
            o++;
        }
        if (o > maxOrder) {
            throw new AepException(Errno.ENOMEM, "no free block of order " + order + " in " + name + " ("
                    + freeCount + " of " + frames + " frames free)");
        }
        int head = freeLists.get(o).pollFirst();
        freeHead[head] = -1;
        while (o > order) {
            o--;
            addFree(head + (1 << o), o);
        }
        markAllocated(head, order);
        return head;
    }

    /** Takes exactly the block of the order starting at {@code frame}. */
    long allocateAt(long frame, int order) {
        checkOrder(order);
        checkFrame(frame);
        if ((frame & ((1L << order) - 1)) != 0) {
            throw new AepException(Errno.EINVAL, "frame " + frame + " is not aligned to order " + order);
        }
        if (frame + (1L << order) > frames) {
            throw new AepException(Errno.EINVAL, "the block of order " + order + " at frame " + frame + " leaves "
                    + name + " (" + frames + " frames)");
        }
        int f = (int) frame;
        int busy = allocated.nextSetBit(f);
        if (busy >= 0 && busy < f + (1 << order)) {
            throw new AepException(Errno.EBUSY, "frame " + busy + " of the block of order " + order + " at frame "
                    + frame + " is allocated");
        }
        int o = order;
        int head = -1;
        for (; o <= maxOrder; o++) {
            int h = f & ~((1 << o) - 1);
            if (freeHead[h] == o) {
                head = h;
                break;
            }
        }
        if (head < 0) {
            throw new IllegalStateException("buddy invariant broken: free range at frame " + frame + " order "
                    + order + " lies in no free block");
        }
        removeFree(head, o);
        while (o > order) {
            o--;
            int half = 1 << o;
            if (f >= head + half) {
                addFree(head, o);
                head += half;
            } else {
                addFree(head + half, o);
            }
        }
        markAllocated(head, order);
        return head;
    }

    /** Checks that {@code frame} starts an allocated block of exactly that order. */
    void checkBlock(long frame, int order) {
        checkOrder(order);
        checkFrame(frame);
        if ((frame & ((1L << order) - 1)) != 0) {
            throw new AepException(Errno.EINVAL, "frame " + frame + " is not aligned to order " + order);
        }
        int have = allocHead[(int) frame];
        if (have < 0) {
            throw new AepException(Errno.EINVAL, "frame " + frame + " does not start an allocated block of "
                    + name + " (a double free?)");
        }
        if (have != order) {
            throw new AepException(Errno.EINVAL, "frame " + frame + " starts a block of order " + have
                    + ", not order " + order);
        }
    }

    /** Returns a checked block and merges it with free buddies. */
    void free(long frame, int order) {
        checkBlock(frame, order);
        int f = (int) frame;
        allocHead[f] = -1;
        allocated.clear(f, f + (1 << order));
        freeCount += 1L << order;
        int o = order;
        while (o < maxOrder) {
            int buddy = f ^ (1 << o);
            if ((long) buddy + (1 << o) > frames || freeHead[buddy] != o) {
                break;
            }
            removeFree(buddy, o);
            f = Math.min(f, buddy);
            o++;
        }
        addFree(f, o);
    }

    /** The free runs, ascending and coalesced across block boundaries. */
    List<FrameRun> freeRuns() {
        List<FrameRun> runs = new ArrayList<>();
        int start = allocated.nextClearBit(0);
        while (start < frames) {
            int end = allocated.nextSetBit(start);
            if (end < 0 || end > frames) {
                end = frames;
            }
            runs.add(new FrameRun(start, end - start));
            start = allocated.nextClearBit(end);
        }
        return runs;
    }

    private void markAllocated(int head, int order) {
        allocated.set(head, head + (1 << order));
        allocHead[head] = (byte) order;
        freeCount -= 1L << order;
    }

    private void addFree(int head, int order) {
        freeHead[head] = (byte) order;
        freeLists.get(order).add(head);
    }

    private void removeFree(int head, int order) {
        freeHead[head] = -1;
        freeLists.get(order).remove(head);
    }
}

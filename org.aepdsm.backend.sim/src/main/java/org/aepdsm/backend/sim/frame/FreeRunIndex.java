package org.aepdsm.backend.sim.frame;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;

import org.aepdsm.api.memory.FrameRun;

/**
 * The free frames of a pool as maximal runs, sorted by first frame, searched next-fit from a rover:
 * the "contiguity map" of contiguity-aware paging (ISCA 2020), which keeps whole free runs where the
 * buddy allocator keeps aligned blocks.
 *
 * <pre>
 *   byStart   first -> end (exclusive)      runs are disjoint and never touch: a gap of at least
 *                                           one allocated frame separates two runs
 *   bySize    the same runs, longest first  (ties: lower first frame first), so that the longest
 *                                           run is found at once when no run is long enough
 *   rover     the frame where the next search starts; the search walks the runs in address order
 *             from the run holding the rover (counted from the rover only), wraps around, and
 *             ends with the part of that run before the rover
 *
 *   frames:   ....####.......##########....#......
 *                 ^run             ^run        ^run       (# free)
 * </pre>
 *
 * <p>The index follows a {@link BuddyAllocator} as its {@link BuddyAllocator.BlockObserver}: every
 * block the buddy hands out is cut out of the run holding it, every block it takes back is merged
 * with the runs on either side. Both are O(log runs). A search that finds a run long enough walks
 * the runs from the rover up to that run; when no run is long enough it takes the longest one with
 * room for an aligned block at once.
 *
 * <p>Thread-safety: none; the owning pool serialises every call together with the buddy's.
 */
public final class FreeRunIndex implements BuddyAllocator.BlockObserver {
    private record Run(long first, long end) {
        long length() {
            return end - first;
        }
    }

    private static final Comparator<Run> LONGEST_FIRST = Comparator.comparingLong(Run::length).reversed()
            .thenComparingLong(Run::first);

    private final TreeMap<Long, Long> byStart = new TreeMap<>();
    private final TreeSet<Run> bySize = new TreeSet<>(LONGEST_FIRST);
    private long rover;

    /** An index of the given free runs (ascending, disjoint, as {@link BuddyAllocator#freeRuns()} gives them). */
    public FreeRunIndex(List<FrameRun> freeRuns) {
        for (FrameRun r : freeRuns) {
            returned(r.first(), r.count());
        }
    }

    @Override
    public void taken(long first, long count) {
        long end = first + count;
        Map.Entry<Long, Long> e = byStart.floorEntry(first);
        if (e == null || e.getValue() < end) {
            throw new IllegalStateException("frames " + first + "+" + count + " were taken but lie in no free run");
        }
        remove(e.getKey(), e.getValue());
        if (e.getKey() < first) {
            add(e.getKey(), first);
        }
        if (end < e.getValue()) {
            add(end, e.getValue());
        }
    }

    @Override
    public void returned(long first, long count) {
        long lo = first;
        long hi = first + count;
        Map.Entry<Long, Long> below = byStart.floorEntry(first);
        if (below != null && below.getValue() > first) {
            throw new IllegalStateException("frames " + first + "+" + count + " were returned but are already free");
        }
        if (below != null && below.getValue() == first) {
            remove(below.getKey(), below.getValue());
            lo = below.getKey();
        }
        Long aboveEnd = byStart.get(hi);
        if (aboveEnd != null) {
            remove(hi, aboveEnd);
            hi = aboveEnd;
        }
        Map.Entry<Long, Long> next = byStart.ceilingEntry(lo);
        if (next != null && next.getKey() < hi) {
            throw new IllegalStateException("frames " + first + "+" + count + " were returned but overlap the free run at "
                    + next.getKey());
        }
        add(lo, hi);
    }

    /** Whether all of {@code [first, first + count)} is free. */
    public boolean isFree(long first, long count) {
        Map.Entry<Long, Long> e = byStart.floorEntry(first);
        return e != null && e.getValue() >= first + count;
    }

    /**
     * Chooses where {@code wanted} frames should go, next-fit: the first run, walking from the rover,
     * that holds {@code wanted} frames from its first frame aligned to {@code 2^order}; when none
     * does, the longest run holding at least one aligned block of {@code 2^order}. Nothing is
     * allocated; the rover moves past the frames chosen ({@code wanted} of them, or the whole run
     * when it is shorter).
     *
     * @return the first frame chosen, aligned to {@code 2^order}, or -1 when no run holds such a block
     */
    public long nextFit(long wanted, int order) {
        if (byStart.isEmpty()) {
            return -1;
        }
        long need = Math.max(wanted, 1L << order);
        if (bySize.first().length() >= need) {
            Map.Entry<Long, Long> home = byStart.floorEntry(rover);
            if (home == null || home.getValue() <= rover) {
                home = byStart.ceilingEntry(rover);
            }
            if (home == null) {
                home = byStart.firstEntry();
            }
            long found = walk(byStart.tailMap(home.getKey(), true), need, order);
            if (found < 0) {
                found = walk(byStart.headMap(home.getKey(), false), need, order);
            }
            if (found < 0 && home.getKey() < rover) {
                found = fit(home.getKey(), home.getValue(), need, order);
            }
            if (found >= 0) {
                return choose(found, need);
            }
        }
        for (Run r : bySize) {
            long at = align(r.first(), order);
            if (at + (1L << order) <= r.end()) {
                return choose(at, need);
            }
        }
        return -1;
    }

    private long walk(NavigableMap<Long, Long> runs, long need, int order) {
        for (Map.Entry<Long, Long> e : runs.entrySet()) {
            long found = fit(Math.max(e.getKey(), e.getValue() > rover ? rover : e.getKey()), e.getValue(), need,
                    order);
            if (found >= 0) {
                return found;
            }
        }
        return -1;
    }

    private static long fit(long from, long end, long need, int order) {
        long at = align(from, order);
        return end - at >= need ? at : -1;
    }

    private long choose(long at, long need) {
        long runEnd = byStart.floorEntry(at).getValue();
        rover = Math.min(at + need, runEnd);
        return at;
    }

    private static long align(long frame, int order) {
        long block = 1L << order;
        return (frame + block - 1) & -block;
    }

    /** The free runs in ascending order. */
    public List<FrameRun> runs() {
        List<FrameRun> out = new ArrayList<>(byStart.size());
        byStart.forEach((first, end) -> out.add(new FrameRun(first, end - first)));
        return out;
    }

    /** The number of free runs. */
    public int runCount() {
        return byStart.size();
    }

    /** The frame where the next search starts. */
    public long rover() {
        return rover;
    }

    private void add(long first, long end) {
        byStart.put(first, end);
        bySize.add(new Run(first, end));
    }

    private void remove(long first, long end) {
        byStart.remove(first);
        bySize.remove(new Run(first, end));
    }
}

package org.aepdsm.backend.common;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of virtual address ranges kept as disjoint, coalesced {@code [start, end)} intervals in a
 * map from start to end, so that membership, coverage and overlap are {@code O(log n)}.
 *
 * <pre>
 *   add [a,b), add [b,c)  ->  { a -> c }          (touching intervals merge)
 *   remove [x,y) from { a -> c }, a < x < y < c  ->  { a -> x, y -> c }
 * </pre>
 *
 * <p>Both backends keep their views' copy-on-write ranges in it; bnd copies this package into each
 * backend bundle, so each has its own private copy of the class at runtime.
 *
 * <p>Thread-safety: none; the owner's lock guards it (a backend's view group). Ownership: a value of
 * the one object that made it; the pairs returned by {@link #within} and {@link #all} are fresh
 * arrays the caller owns.
 */
public final class AddressRanges {
    private final TreeMap<Long, Long> ranges = new TreeMap<>();

    /** An empty set. */
    public AddressRanges() {
    }

    /** A copy of {@code other}. */
    public AddressRanges(AddressRanges other) {
        ranges.putAll(other.ranges);
    }

    /** Whether the set holds no address. */
    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** Adds {@code [start, end)}, merging with what it touches. */
    public void add(long start, long end) {
        if (start >= end) {
            return;
        }
        long lo = start;
        long hi = end;
        Map.Entry<Long, Long> before = ranges.floorEntry(start);
        if (before != null && before.getValue() >= start) {
            lo = before.getKey();
            hi = Math.max(hi, before.getValue());
        }
        for (Map.Entry<Long, Long> e : new ArrayList<>(ranges.subMap(lo, true, hi, true).entrySet())) {
            hi = Math.max(hi, e.getValue());
            ranges.remove(e.getKey());
        }
        ranges.put(lo, hi);
    }

    /** Removes {@code [start, end)}, cutting the intervals it overlaps. */
    public void remove(long start, long end) {
        if (start >= end) {
            return;
        }
        Map.Entry<Long, Long> before = ranges.lowerEntry(start);
        if (before != null && before.getValue() > start) {
            ranges.put(before.getKey(), start);
            if (before.getValue() > end) {
                ranges.put(end, before.getValue());
            }
        }
        for (Map.Entry<Long, Long> e : new ArrayList<>(ranges.subMap(start, true, end, false).entrySet())) {
            ranges.remove(e.getKey());
            if (e.getValue() > end) {
                ranges.put(end, e.getValue());
            }
        }
    }

    /** Whether {@code address} lies in the set. */
    public boolean contains(long address) {
        Map.Entry<Long, Long> e = ranges.floorEntry(address);
        return e != null && e.getValue() > address;
    }

    /** Whether all of {@code [start, end)} lies in the set. */
    public boolean covers(long start, long end) {
        Map.Entry<Long, Long> e = ranges.floorEntry(start);
        return e != null && e.getValue() >= end;
    }

    /** Whether any of {@code [start, end)} lies in the set. */
    public boolean intersects(long start, long end) {
        Map.Entry<Long, Long> e = ranges.lowerEntry(end);
        return e != null && e.getValue() > start;
    }

    /** The parts of {@code [start, end)} in the set, as {start, end} pairs in address order. */
    public List<long[]> within(long start, long end) {
        List<long[]> out = new ArrayList<>();
        Map.Entry<Long, Long> first = ranges.floorEntry(start);
        long from = first != null && first.getValue() > start ? first.getKey() : start;
        for (Map.Entry<Long, Long> e : ranges.subMap(from, true, end, false).entrySet()) {
            long lo = Math.max(start, e.getKey());
            long hi = Math.min(end, e.getValue());
            if (lo < hi) {
                out.add(new long[] {lo, hi});
            }
        }
        return out;
    }

    /** Every interval as {start, end} pairs in address order. */
    public List<long[]> all() {
        List<long[]> out = new ArrayList<>(ranges.size());
        ranges.forEach((s, e) -> out.add(new long[] {s, e}));
        return out;
    }
}

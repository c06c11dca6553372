package org.aepdsm.backend.os;

import java.util.Map;
import java.util.TreeMap;

/*
 * Map counts of a pool's frames, kept as runs of equal count rather than one counter per frame, so
 * that mapping a morsel of a million frames costs a few tree operations instead of a million
 * increments.
 *
 *   frame:   0 ............ 100 ................... 612 ............ frames
 *   runs:    {0 -> 0}       {100 -> 1}              {612 -> 0}
 *            a key is the first frame of a run; the run ends where the next key begins
 *
 * Invariants: key 0 is always present; no two adjacent runs have the same count (changes merge
 * them), so the tree holds about two keys per distinct mapped range. A change of [first, end)
 * splits at most the two runs at its edges and touches the k runs inside: O(log r + k).
 */
/**
 * Per-frame map counts as runs of equal count. Not thread-safe: its {@link NativeFramePool} guards
 * it with the pool's monitor.
 */
final class FrameMapCounts {
    private final long frames;
    private final TreeMap<Long, Integer> runs = new TreeMap<>();

    FrameMapCounts(long frames) {
        this.frames = frames;
        runs.put(0L, 0);
    }

    /** The number of mappings of {@code frame} (0 outside the pool). */
    int count(long frame) {
        if (frame < 0 || frame >= frames) {
            return 0;
        }
        return runs.floorEntry(frame).getValue();
    }

    /** Adds one mapping to every frame of {@code [first, first + count)}. */
    void retain(long first, long count) {
        change(first, count, 1);
    }

    /** Removes one mapping from every frame of {@code [first, first + count)} that has one. */
    void release(long first, long count) {
        change(first, count, -1);
    }

    /** The first frame of {@code [first, first + count)} with a mapping, or -1. */
    long firstMapped(long first, long count) {
        long end = first + count;
        Map.Entry<Long, Integer> e = runs.floorEntry(first);
        while (e != null && e.getKey() < end) {
            if (e.getValue() > 0) {
                return Math.max(first, e.getKey());
            }
            e = runs.higherEntry(e.getKey());
        }
        return -1;
    }

    /** Runs in the tree (for tests of the merge invariant). */
    int runCount() {
        return runs.size();
    }

    private void change(long first, long count, int delta) {
        long end = Math.min(first + count, frames);
        if (first < 0 || first >= end) {
            return;
        }
        split(first);
        split(end);
        for (Map.Entry<Long, Integer> e : runs.subMap(first, end).entrySet()) {
            e.setValue(Math.max(0, e.getValue() + delta));
        }
        Long from = runs.lowerKey(first);
        mergeFrom(from == null ? first : from, end);
    }

    private void split(long at) {
        if (at < frames && !runs.containsKey(at)) {
            runs.put(at, runs.floorEntry(at).getValue());
        }
    }

    /** Merges equal neighbours among the runs starting in {@code [from, end]}. */
    private void mergeFrom(long from, long end) {
        Map.Entry<Long, Integer> prev = runs.floorEntry(from);
        Map.Entry<Long, Integer> next = runs.higherEntry(prev.getKey());
        while (next != null && next.getKey() <= end) {
            if (next.getValue().equals(prev.getValue())) {
                runs.remove(next.getKey());
            } else {
                prev = next;
            }
            next = runs.higherEntry(prev.getKey());
        }
    }
}

package org.aepdsm.paging.collect;

/**
 * Pages per virtual-to-physical offset, for SpOT: an open-addressing hash table from offset
 * (virtual page number minus frame number) to page count, with primitive arrays only.
 *
 * <p>Layout: {@code keys[i]} holds an offset or {@link #EMPTY}; {@code pages[i]} its page count.
 * Linear probing; the capacity is a power of two and at most half full, so probes stay short.
 * {@code EMPTY} is {@code Long.MIN_VALUE}, which no offset takes: virtual page numbers and frame
 * numbers are both non-negative, so their difference is greater than {@code -Long.MAX_VALUE - 1}.
 *
 * <p>Not thread-safe; owned by one scan.
 */
final class OffsetTable {
    private static final long EMPTY = Long.MIN_VALUE;

    private long[] keys;
    private long[] pages;
    private int size;

    OffsetTable() {
        keys = new long[64];
        pages = new long[64];
        java.util.Arrays.fill(keys, EMPTY);
    }

    /** Adds {@code count} pages with this offset. */
    void add(long offset, long count) {
        if (size * 2 >= keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int i = slot(offset, mask);
        while (keys[i] != EMPTY && keys[i] != offset) {
            i = (i + 1) & mask;
        }
        if (keys[i] == EMPTY) {
            keys[i] = offset;
            size++;
        }
        pages[i] += count;
    }

    /** Records one entry per distinct offset, as large as its page count. */
    void drainInto(EntryHistogram histogram) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != EMPTY) {
                histogram.add(pages[i], 1);
            }
        }
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldPages = pages;
        keys = new long[Math.multiplyExact(oldKeys.length, 2)];
        pages = new long[keys.length];
        java.util.Arrays.fill(keys, EMPTY);
        int mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != EMPTY) {
                int i = slot(oldKeys[j], mask);
                while (keys[i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                pages[i] = oldPages[j];
            }
        }
    }
}

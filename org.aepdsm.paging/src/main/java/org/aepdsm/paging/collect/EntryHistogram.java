package org.aepdsm.paging.collect;

import java.util.Arrays;

/**
 * The entries of one mapping kind as a histogram: entry size in pages to number of entries.
 *
 * <p>Layout: sizes below {@link #DENSE_SIZES} are counted in a flat array indexed by size, so the
 * common small entries (single pages, short runs, 2 MiB pieces) cost one increment and no allocation.
 * Larger sizes are appended, one slot per entry, to a growable array that is sorted once when the
 * histogram is frozen. An entry of size at least {@code DENSE_SIZES} covers that many pages, so the
 * appended slots number at most covered pages / {@code DENSE_SIZES} (plus one per VMA, whose virtual
 * size is not bounded by present pages).
 *
 * <pre>
 *   dense[s]   = entries of size s, 1 &lt;= s &lt; DENSE_SIZES
 *   large[0..largeCount) = one size per entry, unsorted until {@link #freeze()}
 * </pre>
 *
 * <p>Not thread-safe: one scan owns a builder; the frozen {@link Buckets} are immutable.
 */
final class EntryHistogram {
    /** Sizes counted in the flat array; 4096 pages is 16 MiB. */
    static final int DENSE_SIZES = 4096;

    private final long[] dense = new long[DENSE_SIZES];
    private long[] large = new long[64];
    private int largeCount;

    /** Records {@code count} entries of {@code size} pages; sizes of 0 pages or counts of 0 add nothing. */
    void add(long size, long count) {
        if (size <= 0 || count <= 0) {
            return;
        }
        if (size < DENSE_SIZES) {
            dense[(int) size] += count;
            return;
        }
        for (long i = 0; i < count; i++) {
            if (largeCount == large.length) {
                large = Arrays.copyOf(large, Math.addExact(large.length, large.length));
            }
            large[largeCount++] = size;
        }
    }

    /** The buckets, largest size first. */
    Buckets freeze() {
        long[] big = Arrays.copyOf(large, largeCount);
        Arrays.sort(big);
        int distinct = 0;
        for (int i = 0; i < big.length; i++) {
            if (i == 0 || big[i] != big[i - 1]) {
                distinct++;
            }
        }
        for (int s = 1; s < DENSE_SIZES; s++) {
            if (dense[s] != 0) {
                distinct++;
            }
        }
        long[] sizes = new long[distinct];
        long[] counts = new long[distinct];
        int b = 0;
        for (int i = big.length - 1; i >= 0; i--) {
            if (i == big.length - 1 || big[i] != big[i + 1]) {
                sizes[b] = big[i];
                counts[b] = 1;
                b++;
            } else {
                counts[b - 1]++;
            }
        }
        for (int s = DENSE_SIZES - 1; s >= 1; s--) {
            if (dense[s] != 0) {
                sizes[b] = s;
                counts[b] = dense[s];
                b++;
            }
        }
        return new Buckets(sizes, counts);
    }

    /**
     * A frozen histogram: {@code sizes[i]} pages per entry, {@code counts[i]} entries, sizes strictly
     * decreasing. Immutable (the arrays are owned and never changed).
     */
    record Buckets(long[] sizes, long[] counts) {
        int length() {
            return sizes.length;
        }

        long entries() {
            long n = 0;
            for (long c : counts) {
                n += c;
            }
            return n;
        }

        long pages() {
            long p = 0;
            for (int i = 0; i < sizes.length; i++) {
                p += sizes[i] * counts[i];
            }
            return p;
        }
    }
}

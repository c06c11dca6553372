package org.aepdsm.allocator;

/**
 * The size classes of the slab level, and how a request maps onto a class or a
 * page run.
 *
 * <p>A slab block is an 8-byte object header followed by the client's bytes, so a
 * class of block size {@code B} serves requests up to {@code B - 8}. Block sizes:
 * <pre>
 *   16, 24, 32, ... 128                  every 8 bytes (15 classes)
 *   160, 192, 224, 256, 320, ... 65536   four per doubling, 12.5-25% apart (36 classes)
 * </pre>
 * A request whose block would exceed 64 KiB becomes a page run: whole 16 KiB pages
 * whose header lives in the span descriptor, so the step from the largest class to
 * the smallest run (64 KiB to 80 KiB) is no wider than the class spacing: there is
 * no cliff anywhere.
 *
 * <p>Each class carves spans of a fixed number of pages: one page for blocks up to
 * 1 KiB, otherwise enough pages for at least four blocks, enlarged until the tail
 * left over is at most an eighth of the span.
 *
 * <p>Immutable tables, computed once; thread-safe.
 */
public final class SizeClasses {
    /** Bytes of the inline object header in front of every slab block. */
    public static final int HEADER_BYTES = 8;
    /** The largest slab block. */
    public static final int MAX_BLOCK = 65536;
    /** The class index that marks a page run. */
    public static final int RUN_CLASS = 127;

    private static final int[] BLOCK;
    private static final int[] PAGES;
    private static final int[] CAPACITY;
    private static final byte[] BY_EIGHTHS;
    private static final long[] RECIPROCAL;

    static {
        int[] sizes = new int[64];
        int n = 0;
        for (int b = 16; b <= 128; b += 8) {
            sizes[n++] = b;
        }
        for (int base = 128; base < MAX_BLOCK; base *= 2) {
            for (int m = 5; m <= 8; m++) {
                sizes[n++] = base * m / 4;
            }
        }
        BLOCK = java.util.Arrays.copyOf(sizes, n);
        PAGES = new int[n];
        CAPACITY = new int[n];
        for (int c = 0; c < n; c++) {
            int b = BLOCK[c];
            int p = b <= 1024 ? 1 : Math.max(1, (4 * b + PoolLayout.PAGE - 1) / PoolLayout.PAGE);
            while (p < PoolLayout.PAGES_PER_SEGMENT && (p * PoolLayout.PAGE) % b > p * PoolLayout.PAGE / 8) {
                p++;
            }
            PAGES[c] = p;
            CAPACITY[c] = p * PoolLayout.PAGE / b;
        }
        RECIPROCAL = new long[n];
        for (int k = 0; k < n; k++) {
            RECIPROCAL[k] = (1L << 40) / BLOCK[k] + 1;
        }
        BY_EIGHTHS = new byte[MAX_BLOCK / 8 + 1];
        int c = 0;
        for (int e = 0; e < BY_EIGHTHS.length; e++) {
            while (BLOCK[c] < e * 8) {
                c++;
            }
            BY_EIGHTHS[e] = (byte) c;
        }
    }

    private SizeClasses() {
    }

    /** Number of slab classes. */
    public static int count() {
        return BLOCK.length;
    }

    /**
     * The class for a request of {@code size} bytes (1 or more), or {@link #RUN_CLASS} when it needs a page run.
     */
    public static int classOf(long size) {
        long block = size + HEADER_BYTES;
        if (block > MAX_BLOCK) {
            return RUN_CLASS;
        }
        return BY_EIGHTHS[(int) ((block + 7) >>> 3)];
    }

    /** Block size of a class, header included. */
    public static int blockSize(int cls) {
        return BLOCK[cls];
    }

    /**
     * {@code offset / blockSize(cls)} for an offset inside one span (below 2^20), by multiplication: the
     * reciprocal's error stays below one part in 2^20 of a block, so the quotient is exact.
     */
    public static int blockIndex(int cls, long offset) {
        return (int) ((offset * RECIPROCAL[cls]) >>> 40);
    }

    /** Bytes a client may use in a block of the class. */
    public static int usable(int cls) {
        return BLOCK[cls] - HEADER_BYTES;
    }

    /** Pages of one span of the class. */
    public static int spanPages(int cls) {
        return PAGES[cls];
    }

    /** Blocks in one span of the class. */
    public static int capacity(int cls) {
        return CAPACITY[cls];
    }

    /** Pages of a run holding {@code size} bytes. */
    public static long runPages(long size) {
        return (size + PoolLayout.PAGE - 1) >>> PoolLayout.PAGE_SHIFT;
    }
}

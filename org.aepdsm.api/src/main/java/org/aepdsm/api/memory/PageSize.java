package org.aepdsm.api.memory;

/**
 * The x86-64 page sizes. Immutable.
 */
public enum PageSize {
    /** A 4 KiB page, mapped by a level-1 (PTE) entry. */
    SIZE_4K(12),
    /** A 2 MiB page, mapped by a level-2 (PDE) entry with PS set. */
    SIZE_2M(21),
    /** A 1 GiB page, mapped by a level-3 (PDPTE) entry with PS set. */
    SIZE_1G(30);

    /** Bytes in a 4 KiB frame, the unit of every {@link FramePool}. */
    public static final long FRAME_BYTES = 4096;

    private final int shift;

    PageSize(int shift) {
        this.shift = shift;
    }

    /** log2 of the size in bytes. */
    public int shift() {
        return shift;
    }

    /** The size in bytes. */
    public long bytes() {
        return 1L << shift;
    }

    /** The buddy order of one such page in 4 KiB frames (0, 9 or 18). */
    public int order() {
        return shift - 12;
    }

    /** The number of 4 KiB frames in one such page. */
    public long frames() {
        return 1L << order();
    }

    /** Whether {@code value} is a multiple of this page size. */
    public boolean isAligned(long value) {
        return (value & (bytes() - 1)) == 0;
    }
}

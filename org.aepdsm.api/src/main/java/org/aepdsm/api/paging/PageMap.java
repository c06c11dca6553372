package org.aepdsm.api.paging;

import java.util.List;
import java.util.Objects;

/**
 * The present pages of an address space or a process, per VMA, as virtual page
 * number to physical frame number. Immutable once built (the arrays are owned by
 * the map; callers must not change them).
 *
 * @param source a name for people: {@code space 3}, {@code pid 1234}
 * @param vmas   the VMAs in ascending address order
 */
public record PageMap(String source, List<Vma> vmas) {
    public PageMap {
        Objects.requireNonNull(source, "source");
        vmas = List.copyOf(vmas);
    }

    /** A frame number meaning "no page present". */
    public static final long NOT_PRESENT = -1;

    /**
     * One VMA. Pages past the end of {@code pfns} (up to {@code pages}) are not present, so a large VMA that
     * is mostly untouched needs no array for its untouched tail.
     *
     * @param startVpn the virtual page number of its first page
     * @param pfns     the frame of each page from {@code startVpn} on, or {@link #NOT_PRESENT}
     * @param pages    pages in the VMA, present or not; at least {@code pfns.length}
     */
    public record Vma(long startVpn, long[] pfns, long pages) {
        public Vma {
            Objects.requireNonNull(pfns, "pfns");
            if (pages < pfns.length) {
                throw new IllegalArgumentException("VMA at page " + startVpn + " has " + pages
                        + " pages but " + pfns.length + " frame slots");
            }
        }

        /** A VMA of exactly {@code pfns.length} pages. */
        public Vma(long startVpn, long[] pfns) {
            this(startVpn, pfns, Objects.requireNonNull(pfns, "pfns").length);
        }
    }

    /** Present pages in all VMAs. */
    public long presentPages() {
        long n = 0;
        for (Vma v : vmas) {
            for (long p : v.pfns()) {
                if (p != NOT_PRESENT) {
                    n++;
                }
            }
        }
        return n;
    }
}

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
     * One VMA.
     *
     * @param startVpn the virtual page number of its first page
     * @param pfns     the frame of each page from {@code startVpn} on, or {@link #NOT_PRESENT}
     */
    public record Vma(long startVpn, long[] pfns) {
        public Vma {
            Objects.requireNonNull(pfns, "pfns");
        }

        /** Pages in the VMA, present or not. */
        public long pages() {
            return pfns.length;
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

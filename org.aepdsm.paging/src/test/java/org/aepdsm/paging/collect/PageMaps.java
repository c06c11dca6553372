package org.aepdsm.paging.collect;

import java.util.List;

import org.aepdsm.api.paging.PageMap;

/** Small builders for hand-written page maps; {@link #NP} marks a page that is not present. */
final class PageMaps {
    static final long NP = PageMap.NOT_PRESENT;

    private PageMaps() {
    }

    static PageMap.Vma vma(long startVpn, long... pfns) {
        return new PageMap.Vma(startVpn, pfns);
    }

    /** {@code pages} pages from {@code startVpn}, mapped to consecutive frames from {@code firstPfn}. */
    static long[] run(long firstPfn, int pages) {
        long[] pfns = new long[pages];
        for (int i = 0; i < pages; i++) {
            pfns[i] = firstPfn + i;
        }
        return pfns;
    }

    static long[] concat(long[]... parts) {
        int n = 0;
        for (long[] p : parts) {
            n += p.length;
        }
        long[] all = new long[n];
        int at = 0;
        for (long[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    static PageMap map(String source, PageMap.Vma... vmas) {
        return new PageMap(source, List.of(vmas));
    }
}

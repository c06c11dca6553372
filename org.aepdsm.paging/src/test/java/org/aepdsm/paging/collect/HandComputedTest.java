package org.aepdsm.paging.collect;

import static org.aepdsm.paging.collect.PageMaps.NP;
import static org.aepdsm.paging.collect.PageMaps.concat;
import static org.aepdsm.paging.collect.PageMaps.map;
import static org.aepdsm.paging.collect.PageMaps.run;
import static org.aepdsm.paging.collect.PageMaps.vma;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.aepdsm.api.paging.ContiguityReport;
import org.aepdsm.api.paging.CoverageTarget;
import org.aepdsm.api.paging.KindReport;
import org.aepdsm.api.paging.MappingKind;
import org.aepdsm.api.paging.PageMap;
import org.junit.jupiter.api.Test;

/**
 * Every metric of page maps computed by hand: the three worked examples of the page-collect notes
 * (with their intended, corrected values) and cases for each rule page-collect gets wrong.
 */
class HandComputedTest {
    private final PageCollect collect = new PageCollect();

    /** Histogram from pairs size, count (largest first as written). */
    private static Map<Long, Long> hist(long... sizeCount) {
        Map<Long, Long> h = new LinkedHashMap<>();
        for (int i = 0; i < sizeCount.length; i += 2) {
            h.put(sizeCount[i], sizeCount[i + 1]);
        }
        return h;
    }

    /**
     * Asserts a kind: its histogram, entries, coverage, pages of the 32/64/128/256 largest entries, and
     * for 80/90/99% the entries and exact coverage in percent.
     */
    private static void assertKind(ContiguityReport r, MappingKind kind, Map<Long, Long> histogram, long entries,
            long coverage, long[] pagesAt, long[] targetEntries, double[] targetPercent) {
        KindReport k = r.of(kind);
        String what = kind + " of " + r.source();
        assertEquals(List.copyOf(histogram.entrySet()), List.copyOf(k.histogram().entrySet()), what + " histogram");
        assertEquals(entries, k.totalEntries(), what + " entries");
        assertEquals(coverage, k.totalCoverage(), what + " coverage");
        int[] ns = {32, 64, 128, 256};
        for (int i = 0; i < 4; i++) {
            assertEquals(pagesAt[i], k.coveragePagesAt().get(ns[i]), what + " pages of " + ns[i] + " entries");
            double expected = r.presentPages() == 0 ? 0 : 100.0 * pagesAt[i] / r.presentPages();
            assertEquals(expected, k.coverageAt().get(ns[i]), 1e-9,
                    what + " percent of " + ns[i] + " entries");
        }
        int[] ps = {80, 90, 99};
        assertEquals(3, k.targets().size(), what + " targets");
        for (int i = 0; i < 3; i++) {
            CoverageTarget t = k.targets().get(i);
            assertEquals(ps[i], t.percent(), what + " target order");
            assertEquals(targetEntries[i], t.entries(), what + " entries for " + ps[i] + "%");
            assertEquals(targetPercent[i], t.exactCoverage(), 0.005, what + " exact coverage for " + ps[i] + "%");
        }
    }

    private static long[] all(long v) {
        return new long[] {v, v, v, v};
    }

    private static long[] longs(long... v) {
        return v;
    }

    private static double[] pct(double... v) {
        return v;
    }

    private static void assertWorkingSet(ContiguityReport r, long present, long base, long huge, long anchorPages) {
        assertEquals(present, r.presentPages(), "present pages of " + r.source());
        assertEquals(base, r.basePages(), "4K pages of " + r.source());
        assertEquals(huge, r.hugePages(), "2M pages of " + r.source());
        assertEquals(anchorPages, r.anchorDistance(), "anchor distance of " + r.source());
    }

    /** Notes ex1: one VMA, two physical runs; the last run counts, no spurious one-page run. */
    static PageMap example1() {
        return map("ex1", vma(0x100, concat(run(0x500, 4), run(0x900, 4))));
    }

    @Test
    void example1OneVmaTwoPhysicalRuns() {
        ContiguityReport r = collect.analyze(example1());
        assertWorkingSet(r, 8, 8, 0, 4);
        double[] full = pct(100, 100, 100);
        assertKind(r, MappingKind.VMA, hist(8, 1), 1, 8, all(8), longs(1, 1, 1), full);
        assertKind(r, MappingKind.VIRTUAL, hist(8, 1), 1, 8, all(8), longs(1, 1, 1), full);
        // Range {4:2} gives d = 2; both runs start on a multiple of 4, so each is one anchor entry.
        assertKind(r, MappingKind.ANCHOR, hist(4, 2), 2, 8, all(8), longs(2, 2, 2), full);
        assertKind(r, MappingKind.RANGE, hist(4, 2), 2, 8, all(8), longs(2, 2, 2), full);
        assertKind(r, MappingKind.SPOT, hist(4, 2), 2, 8, all(8), longs(2, 2, 2), full);
    }

    /** Notes ex2: a hole, two VMAs, an offset shared by pages of both VMAs. */
    static PageMap example2() {
        return map("ex2",
                vma(0x400, concat(run(0x1000, 6), new long[] {NP}, run(0x1007, 3))),
                vma(0x800, 0x2000, 0x2001, 0x1402, NP));
    }

    @Test
    void example2HoleTwoVmasSharedOffset() {
        ContiguityReport r = collect.analyze(example2());
        assertWorkingSet(r, 12, 12, 0, 2);
        assertKind(r, MappingKind.VMA, hist(10, 1, 4, 1), 2, 14, all(14), longs(1, 2, 2),
                pct(83.33, 116.67, 116.67));
        assertKind(r, MappingKind.VIRTUAL, hist(6, 1, 3, 2), 3, 12, all(12), longs(3, 3, 3), pct(100, 100, 100));
        // d = 1 (cost 7): [400,406) 3x2; [407,40a) 1 + 1x2; [800,802) 1x2; [802,803) 1.
        assertKind(r, MappingKind.ANCHOR, hist(2, 5, 1, 2), 7, 12, all(12), longs(5, 6, 7),
                pct(83.33, 91.67, 100));
        assertKind(r, MappingKind.RANGE, hist(6, 1, 3, 1, 2, 1, 1, 1), 4, 12, all(12), longs(3, 3, 4),
                pct(91.67, 91.67, 100));
        assertKind(r, MappingKind.SPOT, hist(10, 1, 2, 1), 2, 12, all(12), longs(1, 2, 2), pct(83.33, 100, 100));
    }

    /** Notes ex3: a 2 MiB page continued by 4 pages, then 36 scattered pages in a second VMA. */
    static PageMap example3() {
        long[] y = new long[36];
        for (int i = 0; i < 36; i++) {
            y[i] = 20000 + 3L * i;
        }
        return map("ex3", vma(512, run(1024, 516)), vma(4096, y));
    }

    @Test
    void example3HugePageAndScatteredPages() {
        ContiguityReport r = collect.analyze(example3());
        assertWorkingSet(r, 552, 40, 1, 1L << 21);
        assertKind(r, MappingKind.VMA, hist(516, 1, 36, 1), 2, 552, all(552), longs(1, 1, 2),
                pct(93.48, 93.48, 100));
        assertKind(r, MappingKind.VIRTUAL, hist(516, 1, 36, 1), 2, 552, all(552), longs(1, 1, 2),
                pct(93.48, 93.48, 100));
        // d = 21: [512,1028) is one 2 MiB piece and 4 single pages before any anchor.
        assertKind(r, MappingKind.ANCHOR, hist(512, 1, 1, 40), 41, 552, longs(543, 552, 552, 552),
                longs(1, 1, 36), pct(92.75, 92.75, 99.09));
        assertKind(r, MappingKind.RANGE, hist(516, 1, 1, 36), 37, 552, longs(547, 552, 552, 552),
                longs(1, 1, 32), pct(93.48, 93.48, 99.09));
        assertKind(r, MappingKind.SPOT, hist(516, 1, 1, 36), 37, 552, longs(547, 552, 552, 552),
                longs(1, 1, 32), pct(93.48, 93.48, 99.09));
    }

    /**
     * Holes inside a VMA, single pages, one offset shared across a hole and a VMA boundary, the map's
     * last page present, several VMAs, and targets met at exactly 90%.
     */
    @Test
    void holesSinglePagesSharedOffsetsAndExactlyNinetyPercent() {
        // P: [16,19)->1000.., hole, [20,23)->1004.. (same offset -984 across the hole), hole.
        // Q: hole, 41->2000, 42->3000, [43,45)->1027.. (offset -984 again); the last page is present.
        PageMap m = map("mixed",
                vma(16, 1000, 1001, 1002, NP, 1004, 1005, 1006, NP),
                vma(40, NP, 2000, 3000, 1027, 1028));
        ContiguityReport r = collect.analyze(m);
        assertWorkingSet(r, 10, 10, 0, 2);
        assertKind(r, MappingKind.VMA, hist(8, 1, 5, 1), 2, 13, all(13), longs(1, 2, 2), pct(80, 130, 130));
        assertKind(r, MappingKind.VIRTUAL, hist(4, 1, 3, 2), 3, 10, all(10), longs(3, 3, 3), pct(100, 100, 100));
        // Range {3:2,2:1,1:2} gives d = 1: [16,19) 2+1, [20,23) 2+1, 41 1, 42 1, [43,45) 1+1.
        assertKind(r, MappingKind.ANCHOR, hist(2, 2, 1, 6), 8, 10, all(10), longs(6, 7, 8), pct(80, 90, 100));
        assertKind(r, MappingKind.RANGE, hist(3, 2, 2, 1, 1, 2), 5, 10, all(10), longs(3, 4, 5), pct(80, 90, 100));
        assertKind(r, MappingKind.SPOT, hist(8, 1, 1, 2), 3, 10, all(10), longs(1, 2, 3), pct(80, 90, 100));
    }

    /** A run starting on a multiple of the anchor distance is an anchor: [0,8) with d = 2 is 2 entries. */
    @Test
    void alignedRunStartIsAnAnchor() {
        // Range {8:1,4:2}: cost 16, 8, 4, 9, ... so d = 2.
        PageMap m = map("aligned", vma(0, concat(run(100, 8), run(200, 4), run(300, 4))));
        ContiguityReport r = collect.analyze(m);
        assertWorkingSet(r, 16, 16, 0, 4);
        double[] full = pct(100, 100, 100);
        assertKind(r, MappingKind.VIRTUAL, hist(16, 1), 1, 16, all(16), longs(1, 1, 1), full);
        assertKind(r, MappingKind.ANCHOR, hist(4, 4), 4, 16, all(16), longs(4, 4, 4), full);
        assertKind(r, MappingKind.RANGE, hist(8, 1, 4, 2), 3, 16, all(16), longs(3, 3, 3), full);
        assertKind(r, MappingKind.SPOT, hist(8, 1, 4, 2), 3, 16, all(16), longs(3, 3, 3), full);
    }

    /** An unaligned run: single pages up to the first anchor, then anchor entries and a short tail. */
    @Test
    void unalignedRunIsCutAtAnchors() {
        // Runs of 13 (from vpn 3) and 8 (from vpn 32): cost 21, 11, 6, 7, 21... so d = 2 (A = 4).
        // [3,16): 1 single, then 3x4; [32,40): 2x4.
        PageMap m = map("unaligned", vma(3, run(700, 13)), vma(32, run(900, 8)));
        ContiguityReport r = collect.analyze(m);
        assertWorkingSet(r, 21, 21, 0, 4);
        assertKind(r, MappingKind.ANCHOR, hist(4, 5, 1, 1), 6, 21, all(21), longs(5, 5, 6), pct(95.24, 95.24, 100));
        assertKind(r, MappingKind.RANGE, hist(13, 1, 8, 1), 2, 21, all(21), longs(2, 2, 2), pct(100, 100, 100));
    }

    /** 2 MiB pages given as 512 consecutive frames: counted by shape, and only when physically aligned. */
    @Test
    void hugePagesNeedVirtualAndPhysicalAlignment() {
        // [512,2048) in one run; Range {1536:1} gives d = 10 (A = 1024): [512,1024) before the anchor.
        ContiguityReport aligned = collect.analyze(map("aligned 2M", vma(512, run(4096, 1536))));
        assertWorkingSet(aligned, 1536, 0, 3, 1024);
        assertKind(aligned, MappingKind.ANCHOR, hist(1024, 1, 512, 1), 2, 1536, all(1536), longs(2, 2, 2),
                pct(100, 100, 100));
        ContiguityReport shifted = collect.analyze(map("shifted 2M", vma(512, run(4097, 1536))));
        assertWorkingSet(shifted, 1536, 1536, 0, 1024);
        assertKind(shifted, MappingKind.ANCHOR, hist(1024, 1, 1, 512), 513, 1536,
                longs(1024 + 31, 1024 + 63, 1024 + 127, 1024 + 255), longs(206, 360, 498), pct(80.01, 90.04, 99.02));
    }

    /** No present pages: every figure is 0, no NaN. */
    @Test
    void emptyMapsGiveZeros() {
        ContiguityReport r = collect.analyze(map("empty", vma(0x10, NP, NP), new PageMap.Vma(0x40, new long[0], 8)));
        assertWorkingSet(r, 0, 0, 0, 1L << 21);
        assertKind(r, MappingKind.VMA, hist(8, 1, 2, 1), 2, 10, all(10), longs(0, 0, 0), pct(0, 0, 0));
        for (MappingKind k : List.of(MappingKind.VIRTUAL, MappingKind.ANCHOR, MappingKind.RANGE, MappingKind.SPOT)) {
            assertKind(r, k, hist(), 0, 0, all(0), longs(0, 0, 0), pct(0, 0, 0));
        }
    }
}

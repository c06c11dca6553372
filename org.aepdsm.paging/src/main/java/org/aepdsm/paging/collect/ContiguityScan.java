package org.aepdsm.paging.collect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.paging.ContiguityReport;
import org.aepdsm.api.paging.CoverageTarget;
import org.aepdsm.api.paging.KindReport;
import org.aepdsm.api.paging.MappingKind;
import org.aepdsm.api.paging.PageMap;

/**
 * page-collect's contiguity statistics of one page map, without page-collect's counting slips.
 *
 * <p>One pass over every VMA's frame array finds the runs; everything else works on runs, not pages:
 *
 * <pre>
 *  VMA    |------------------------------ pages ------------------------------|
 *  pfns    5 6 7 8 - - 20 21 40 41 42 - 9
 *  Virtual [5 6 7 8]   [20 21 40 41 42]  [9]     consecutive vpn, present
 *  Range   [5 6 7 8]   [20 21][40 41 42] [9]     consecutive vpn and pfn
 *  SpOT    offsets vpn-pfn counted over all Range runs of the map, across holes and VMAs
 *  Anchor  each Range run [s,e) cut with A = 2^d:  [s .. first multiple of A) in 2 MiB / 4 KiB
 *          pieces, then pieces of min(A, rest) starting at each multiple of A
 * </pre>
 *
 * <p>Invariants the scan keeps, where page-collect does not: runs start at the first present page
 * (no one-page run before it); the last run of every VMA is closed (so the map's last run counts);
 * each run is cut for Anchor from its own start; a run starting on a multiple of A is an anchor
 * itself. Runs never cross a VMA boundary, as in page-collect, even between adjacent VMAs.
 *
 * <p>Deliberate refinements, documented so the numbers can be compared with page-collect:
 * the anchor distance is chosen once, with page-collect's cost function, from the Range histogram of
 * the whole map (page-collect re-chooses it at every run from the histogram so far); a 2 MiB piece
 * before the first anchor needs a 2 MiB aligned frame too, as a 2 MiB page does; 2 MiB pages are
 * counted by shape (512 pages, virtually and physically aligned, in one run), because a page map
 * carries frame numbers and no page sizes.
 *
 * <p>Cost: O(pages) for the scan, O(runs) for the offset table, O(e log e) for the e entries of
 * 16 MiB or more (few). No boxing in the loops. Instances are single-use and not thread-safe.
 */
final class ContiguityScan {
    /** Pages of a 2 MiB page. */
    static final int HUGE_PAGES = 512;
    /** page-collect's anchor distances are 2^0 .. 2^(MAX_ANCHOR_SHIFT - 1) pages. */
    static final int MAX_ANCHOR_SHIFT = 22;
    /** The entry counts whose coverage a report gives. */
    static final int[] ENTRY_COUNTS = {32, 64, 128, 256};
    /** The coverage shares whose entry counts a report gives, in percent. */
    static final int[] TARGET_PERCENTS = {80, 90, 99};

    /** Virtual page numbers are below 2^52 (a 64-bit address space of 4 KiB pages). */
    private static final long VPN_LIMIT = 1L << 52;

    private final PageMap map;
    private final EntryHistogram vma = new EntryHistogram();
    private final EntryHistogram virtual = new EntryHistogram();
    private final EntryHistogram range = new EntryHistogram();
    private final EntryHistogram anchor = new EntryHistogram();
    private final EntryHistogram spot = new EntryHistogram();
    private final OffsetTable offsets = new OffsetTable();

    private long[] runVpn = new long[256];
    private long[] runPfn = new long[256];
    private long[] runLength = new long[256];
    private int runs;
    private long present;

    ContiguityScan(PageMap map) {
        this.map = map;
    }

    /** Runs the scan; call once. */
    ContiguityReport report() {
        validate(map);
        for (PageMap.Vma v : map.vmas()) {
            scanVma(v);
        }
        EntryHistogram.Buckets rangeBuckets = range.freeze();
        int shift = anchorShift(rangeBuckets);
        long hugePages = 0;
        for (int r = 0; r < runs; r++) {
            cutForAnchor(runVpn[r], runPfn[r], runLength[r], 1L << shift);
            hugePages += hugeBlocks(runVpn[r], runPfn[r], runLength[r]);
            offsets.add(runVpn[r] - runPfn[r], runLength[r]);
        }
        offsets.drainInto(spot);
        List<KindReport> kinds = new ArrayList<>(5);
        kinds.add(kindReport(MappingKind.VMA, vma.freeze(), present));
        kinds.add(kindReport(MappingKind.VIRTUAL, virtual.freeze(), present));
        kinds.add(kindReport(MappingKind.ANCHOR, anchor.freeze(), present));
        kinds.add(kindReport(MappingKind.RANGE, rangeBuckets, present));
        kinds.add(kindReport(MappingKind.SPOT, spot.freeze(), present));
        return new ContiguityReport(map.source(), present, 1L << shift, kinds,
                present - hugePages * HUGE_PAGES, hugePages);
    }

    private static void validate(PageMap map) {
        long previousEnd = 0;
        for (PageMap.Vma v : map.vmas()) {
            long start = v.startVpn();
            if (start < 0 || start >= VPN_LIMIT || v.pages() > VPN_LIMIT - start) {
                throw new AepException(Errno.EINVAL, "VMA at page 0x" + Long.toHexString(start) + " of "
                        + v.pages() + " pages lies outside the 64-bit address space of " + map.source());
            }
            if (start < previousEnd) {
                throw new AepException(Errno.EINVAL, "VMA at address 0x" + Long.toHexString(start << 12)
                        + " of " + map.source() + " is below the end 0x" + Long.toHexString(previousEnd << 12)
                        + " of the VMA before it (VMAs must ascend without overlap)");
            }
            previousEnd = start + v.pages();
            long[] pfns = v.pfns();
            for (int i = 0; i < pfns.length; i++) {
                if (pfns[i] < PageMap.NOT_PRESENT) {
                    throw new AepException(Errno.EINVAL, "frame " + pfns[i] + " of page at address 0x"
                            + Long.toHexString((start + i) << 12) + " of " + map.source()
                            + " is negative and not NOT_PRESENT (-1)");
                }
            }
        }
    }

    /**
     * Closes a Virtual run at every hole and a Range run at every hole or frame jump; both are closed
     * at the VMA's end.
     */
    private void scanVma(PageMap.Vma v) {
        vma.add(v.pages(), 1);
        long[] pfns = v.pfns();
        long base = v.startVpn();
        int virtualStart = -1;
        int rangeStart = -1;
        for (int i = 0; i < pfns.length; i++) {
            long pfn = pfns[i];
            if (pfn == PageMap.NOT_PRESENT) {
                if (virtualStart >= 0) {
                    virtual.add(i - virtualStart, 1);
                    closeRange(base + rangeStart, pfns[rangeStart], i - rangeStart);
                    virtualStart = -1;
                    rangeStart = -1;
                }
                continue;
            }
            present++;
            if (virtualStart < 0) {
                virtualStart = i;
                rangeStart = i;
            } else if (pfn != pfns[i - 1] + 1) {
                closeRange(base + rangeStart, pfns[rangeStart], i - rangeStart);
                rangeStart = i;
            }
        }
        if (virtualStart >= 0) {
            virtual.add(pfns.length - virtualStart, 1);
            closeRange(base + rangeStart, pfns[rangeStart], pfns.length - rangeStart);
        }
    }

    private void closeRange(long vpn, long pfn, long length) {
        range.add(length, 1);
        if (runs == runVpn.length) {
            int grown = Math.multiplyExact(runs, 2);
            runVpn = Arrays.copyOf(runVpn, grown);
            runPfn = Arrays.copyOf(runPfn, grown);
            runLength = Arrays.copyOf(runLength, grown);
        }
        runVpn[runs] = vpn;
        runPfn[runs] = pfn;
        runLength[runs] = length;
        runs++;
    }

    /**
     * page-collect's anchor distance (after Hybrid TLB Coalescing, estimated from the Range histogram):
     * the cost of distance 2^i is, over all Range runs of S pages, the anchor entries S / 2^i plus the
     * 2 MiB and 4 KiB entries for the remainder S mod 2^i; the largest i from 1 on with the least cost
     * wins, ties going to the larger distance.
     */
    static int anchorShift(EntryHistogram.Buckets rangeBuckets) {
        long[] cost = new long[MAX_ANCHOR_SHIFT];
        for (int i = 0; i < MAX_ANCHOR_SHIFT; i++) {
            long mask = (1L << i) - 1;
            for (int b = 0; b < rangeBuckets.length(); b++) {
                long s = rangeBuckets.sizes()[b];
                long rest = s & mask;
                cost[i] += ((s >>> i) + rest / HUGE_PAGES + rest % HUGE_PAGES) * rangeBuckets.counts()[b];
            }
        }
        int shift = 0;
        long min = cost[0];
        for (int i = 1; i < MAX_ANCHOR_SHIFT; i++) {
            if (cost[i] <= min) {
                shift = i;
                min = cost[i];
            }
        }
        return shift;
    }

    /**
     * Anchor entries of the run [vpn, vpn + length) mapped from frame pfn on, with anchors at the
     * multiples of {@code distance}: before the first anchor, 2 MiB entries where a whole 2 MiB page
     * (aligned virtually and physically) fits before the anchor and the run's end, else 4 KiB entries;
     * from the first anchor on, one entry per anchor, up to {@code distance} pages each.
     */
    private void cutForAnchor(long vpn, long pfn, long length, long distance) {
        long end = vpn + length;
        long firstAnchor = Math.min(ceilTo(vpn, distance), end);
        long huge = 0;
        if (((vpn - pfn) & (HUGE_PAGES - 1)) == 0) {
            long firstHuge = ceilTo(vpn, HUGE_PAGES);
            if (firstHuge < firstAnchor) {
                huge = (firstAnchor - firstHuge) / HUGE_PAGES;
            }
        }
        anchor.add(HUGE_PAGES, huge);
        anchor.add(1, firstAnchor - vpn - huge * HUGE_PAGES);
        long anchored = end - firstAnchor;
        anchor.add(distance, anchored / distance);
        anchor.add(anchored % distance, 1);
    }

    /** Whole 2 MiB pages (virtually and physically aligned) inside the run. */
    private static long hugeBlocks(long vpn, long pfn, long length) {
        if (((vpn - pfn) & (HUGE_PAGES - 1)) != 0) {
            return 0;
        }
        long first = ceilTo(vpn, HUGE_PAGES);
        long end = vpn + length;
        return first < end ? (end - first) / HUGE_PAGES : 0;
    }

    /** The least multiple of {@code power} (a power of two) that is at least {@code value} (>= 0). */
    private static long ceilTo(long value, long power) {
        return (value + power - 1) & -power;
    }

    /**
     * Coverage figures of a histogram, walking its buckets largest first: the pages of the N largest
     * entries (all entries when there are fewer than N), and for each share p the fewest entries whose
     * pages reach at least ceil(p% of the present pages), counted in exact integers so exactly p%
     * reaches p%.
     */
    static KindReport kindReport(MappingKind kind, EntryHistogram.Buckets buckets, long presentPages) {
        long[] sizes = buckets.sizes();
        long[] counts = buckets.counts();
        long[] pagesAt = new long[ENTRY_COUNTS.length];
        boolean[] pagesAtSet = new boolean[ENTRY_COUNTS.length];
        long[] needed = new long[TARGET_PERCENTS.length];
        long[] targetEntries = new long[TARGET_PERCENTS.length];
        long[] targetPages = new long[TARGET_PERCENTS.length];
        boolean[] targetSet = new boolean[TARGET_PERCENTS.length];
        for (int t = 0; t < TARGET_PERCENTS.length; t++) {
            needed[t] = Math.ceilDiv(Math.multiplyExact(presentPages, TARGET_PERCENTS[t]), 100);
            targetSet[t] = needed[t] == 0;
        }
        long entries = 0;
        long covered = 0;
        for (int b = 0; b < sizes.length; b++) {
            long s = sizes[b];
            long c = counts[b];
            long coveredAfter = covered + s * c;
            for (int n = 0; n < ENTRY_COUNTS.length; n++) {
                if (!pagesAtSet[n] && entries + c >= ENTRY_COUNTS[n]) {
                    pagesAt[n] = covered + (ENTRY_COUNTS[n] - entries) * s;
                    pagesAtSet[n] = true;
                }
            }
            for (int t = 0; t < TARGET_PERCENTS.length; t++) {
                if (!targetSet[t] && coveredAfter >= needed[t]) {
                    long take = Math.ceilDiv(needed[t] - covered, s);
                    targetEntries[t] = entries + take;
                    targetPages[t] = covered + take * s;
                    targetSet[t] = true;
                }
            }
            entries += c;
            covered = coveredAfter;
        }
        Map<Integer, Double> coverageAt = new LinkedHashMap<>();
        Map<Integer, Long> coveragePagesAt = new LinkedHashMap<>();
        for (int n = 0; n < ENTRY_COUNTS.length; n++) {
            long pages = pagesAtSet[n] ? pagesAt[n] : covered;
            coveragePagesAt.put(ENTRY_COUNTS[n], pages);
            coverageAt.put(ENTRY_COUNTS[n], percent(pages, presentPages));
        }
        List<CoverageTarget> targets = new ArrayList<>(TARGET_PERCENTS.length);
        for (int t = 0; t < TARGET_PERCENTS.length; t++) {
            targets.add(new CoverageTarget(TARGET_PERCENTS[t], targetEntries[t],
                    percent(targetPages[t], presentPages)));
        }
        Map<Long, Long> histogram = new LinkedHashMap<>();
        for (int b = 0; b < sizes.length; b++) {
            histogram.put(sizes[b], counts[b]);
        }
        return new KindReport(kind, entries, covered, coverageAt, targets, coveragePagesAt, histogram);
    }

    /** {@code pages} in percent of {@code total}; 0 when there is nothing to cover. */
    static double percent(long pages, long total) {
        return total == 0 ? 0.0 : 100.0 * pages / total;
    }
}

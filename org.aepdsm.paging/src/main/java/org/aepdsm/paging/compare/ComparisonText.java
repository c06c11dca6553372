package org.aepdsm.paging.compare;

import java.math.BigDecimal;
import java.math.RoundingMode;

import org.aepdsm.api.paging.KindReport;
import org.aepdsm.api.paging.MappingKind;

/**
 * A {@link PlacementComparison.Result} as text: the two contiguity reports side by side, one row per
 * mapping kind (page-collect's section names), then the TLB counters of the replay and the Range TLB
 * ratio the comparison is about. Stateless and thread-safe.
 *
 * <pre>
 *                 entries for 99%       total entries         coverage at 32 entries
 *   kind          buddy        ca       buddy        ca       buddy         ca
 *   Range_TLB     16222        12       16230        40       0.20%     99.50%
 * </pre>
 */
public final class ComparisonText {
    private ComparisonText() {
    }

    /** The comparison for people. */
    public static String format(PlacementComparison.Result r) {
        StringBuilder sb = new StringBuilder(2048);
        sb.append("paging:compare ").append(r.workload()).append(" on backend ").append(r.backend()).append(", node 0 (")
                .append(r.pool()).append("), seed ").append(r.seed()).append('\n');
        sb.append("workload: ").append(r.description()).append('\n');
        sb.append("present pages: buddy ").append(r.buddy().report().presentPages()).append(", ca ")
                .append(r.ca().report().presentPages()).append("\n\n");
        sb.append(String.format("%-12s %21s   %21s   %23s%n", "", "entries for 99%", "total entries",
                "coverage at 32 entries"));
        sb.append(String.format("%-12s %10s %10s   %10s %10s   %11s %11s%n", "kind", "buddy", "ca", "buddy", "ca",
                "buddy", "ca"));
        for (MappingKind kind : MappingKind.values()) {
            KindReport b = r.buddy().report().of(kind);
            KindReport c = r.ca().report().of(kind);
            sb.append(String.format("%-12s %10d %10d   %10d %10d   %11s %11s%n", sectionName(kind),
                    b.target(99).entries(), c.target(99).entries(), b.totalEntries(), c.totalEntries(),
                    percent(b.coverageAt().get(32)), percent(c.coverageAt().get(32))));
        }
        sb.append('\n');
        sb.append(String.format("replay of %d accesses:%n", r.replayed()));
        sb.append(String.format("  %-48s buddy %10d   ca %10d%n", "TLB misses (sim TLB model, 4 KiB entries)",
                r.buddy().stats().tlbMisses(), r.ca().stats().tlbMisses()));
        sb.append(String.format("  %-48s buddy %10d   ca %10d%n",
                "Range TLB misses (" + PlacementComparison.RANGE_TLB_ENTRIES + "-entry LRU over Range runs)",
                r.buddy().rangeTlbMisses(), r.ca().rangeTlbMisses()));
        long b99 = r.buddy().report().of(MappingKind.RANGE).target(99).entries();
        long c99 = r.ca().report().of(MappingKind.RANGE).target(99).entries();
        long cTotal = r.ca().report().of(MappingKind.RANGE).totalEntries();
        sb.append(String.format("Range TLB entries for 99%% coverage: ca %d, buddy %d (ca/buddy = %s); ca total %d",
                c99, b99, b99 == 0 ? "n/a" : ratio(c99, b99), cTotal));
        return sb.toString();
    }

    private static String sectionName(MappingKind kind) {
        return switch (kind) {
            case VMA -> "VMA_TLB";
            case VIRTUAL -> "Virtual_TLB";
            case ANCHOR -> "Anchor_TLB";
            case RANGE -> "Range_TLB";
            case SPOT -> "SpOT";
        };
    }

    private static String percent(Double p) {
        return p == null ? "-" : new BigDecimal(p).setScale(2, RoundingMode.HALF_EVEN) + "%";
    }

    private static String ratio(long a, long b) {
        return new BigDecimal((double) a / b).setScale(4, RoundingMode.HALF_EVEN).toPlainString();
    }
}

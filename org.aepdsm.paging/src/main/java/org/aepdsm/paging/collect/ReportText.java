package org.aepdsm.paging.collect;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

import org.aepdsm.api.paging.ContiguityReport;
import org.aepdsm.api.paging.CoverageTarget;
import org.aepdsm.api.paging.KindReport;
import org.aepdsm.api.paging.MappingKind;

/**
 * A {@link ContiguityReport} as text in page-collect's output layout: one section per kind (VMA_TLB,
 * Virtual_TLB, Anchor_TLB, Range_TLB, SpOT), each opened by an empty line and a heading framed by ten
 * dashes, then the working_set section; the text starts with that empty line:
 *
 * <pre>
 *
 * ----------
 * Range_TLB
 * ----------
 * total_Range_TLB_entries: 2
 * total_Range_TLB_coverage: 0 (MB)
 *
 * 32 entries coverage: 100.00% (8 4K pages)
 * ... 64, 128, 256
 *
 * Number of entries for at least 80% coverage: 2 (exact coverage 100.00%)
 * ... 90%, 99%
 * </pre>
 *
 * <p>Percentages are rounded as glibc's {@code %0.2f} rounds: the exact binary value, ties to even.
 * A kind without entries keeps the same lines with zeros (page-collect printed an older layout there).
 * Stateless and thread-safe.
 */
final class ReportText {
    private static final String RULE = "----------";
    private static final long PAGES_PER_MB = (1024 * 1024) / 4096;

    private ReportText() {
    }

    /** The report as page-collect would print it. */
    static String format(ContiguityReport report) {
        Objects.requireNonNull(report, "report");
        StringBuilder out = new StringBuilder(2048);
        for (MappingKind kind : MappingKind.values()) {
            for (KindReport k : report.kinds()) {
                if (k.kind() == kind) {
                    section(out, k, report.presentPages());
                }
            }
        }
        out.append('\n').append(RULE).append('\n').append("working_set").append('\n').append(RULE).append('\n');
        out.append("total_present_pages: ").append(report.presentPages()).append('\n');
        out.append("4K pages: ").append(report.basePages()).append('\n');
        out.append("2M pages: ").append(report.hugePages()).append('\n');
        out.append("total_present_working_set: ").append(report.presentPages() / PAGES_PER_MB).append(" (MB)\n");
        return out.toString();
    }

    /** page-collect's name of a kind's section. */
    static String sectionName(MappingKind kind) {
        return switch (kind) {
            case VMA -> "VMA_TLB";
            case VIRTUAL -> "Virtual_TLB";
            case ANCHOR -> "Anchor_TLB";
            case RANGE -> "Range_TLB";
            case SPOT -> "SpOT";
        };
    }

    private static void section(StringBuilder out, KindReport k, long presentPages) {
        String name = sectionName(k.kind());
        out.append('\n').append(RULE).append('\n').append(name).append('\n').append(RULE).append('\n');
        out.append("total_").append(name).append("_entries: ").append(k.totalEntries()).append('\n');
        out.append("total_").append(name).append("_coverage: ").append(k.totalCoverage() / PAGES_PER_MB)
                .append(" (MB)\n");
        out.append('\n');
        for (var e : k.coverageAt().entrySet()) {
            Long pages = k.coveragePagesAt().get(e.getKey());
            long shown = pages != null ? pages : Math.round(e.getValue() * presentPages / 100.0);
            out.append(e.getKey()).append(" entries coverage: ").append(twoDecimals(e.getValue())).append("% (")
                    .append(shown).append(" 4K pages)\n");
        }
        out.append('\n');
        for (CoverageTarget t : k.targets()) {
            out.append("Number of entries for at least ").append(t.percent()).append("% coverage: ")
                    .append(t.entries()).append(" (exact coverage ").append(twoDecimals(t.exactCoverage()))
                    .append("%)\n");
        }
    }

    /** {@code %0.2f} as glibc prints it: the exact binary value rounded half to even. */
    static String twoDecimals(double value) {
        if (!Double.isFinite(value)) {
            return Double.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
        }
        return new BigDecimal(value).setScale(2, RoundingMode.HALF_EVEN).toPlainString();
    }
}

package org.aepdsm.api.paging;

import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The statistics of one {@link MappingKind} over a page map. Immutable; the maps are unmodifiable
 * copies.
 *
 * @param kind            the scheme
 * @param totalEntries    the number of entries of the scheme
 * @param totalCoverage   pages all entries cover: the present pages, except for {@link MappingKind#VMA}
 *                        whose entries are as large as the VMAs' virtual sizes
 * @param coverageAt      percent of present pages covered by the N largest entries, for N = 32, 64, 128,
 *                        256 (all entries when there are fewer than N)
 * @param targets         entries needed for 80, 90 and 99 percent of the present pages
 * @param coveragePagesAt pages covered by the N largest entries, for the same N as {@code coverageAt}
 * @param histogram       entry size in pages to number of entries of that size, largest size first
 */
public record KindReport(MappingKind kind, long totalEntries, long totalCoverage, Map<Integer, Double> coverageAt,
        List<CoverageTarget> targets, Map<Integer, Long> coveragePagesAt, Map<Long, Long> histogram) {
    public KindReport {
        coverageAt = Collections.unmodifiableMap(new TreeMap<>(coverageAt));
        targets = List.copyOf(targets);
        coveragePagesAt = Collections.unmodifiableMap(new TreeMap<>(coveragePagesAt));
        TreeMap<Long, Long> bySize = new TreeMap<>(Comparator.reverseOrder());
        bySize.putAll(histogram);
        histogram = Collections.unmodifiableMap(bySize);
    }

    /**
     * A report without page counts per N and without a histogram (both empty).
     */
    public KindReport(MappingKind kind, long totalEntries, long totalCoverage, Map<Integer, Double> coverageAt,
            List<CoverageTarget> targets) {
        this(kind, totalEntries, totalCoverage, coverageAt, targets, Map.of(), Map.of());
    }

    /** The target for a percent (80, 90, 99). */
    public CoverageTarget target(int percent) {
        return targets.stream().filter(t -> t.percent() == percent).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no " + percent + "% target for " + kind));
    }
}

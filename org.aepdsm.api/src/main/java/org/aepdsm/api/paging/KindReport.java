package org.aepdsm.api.paging;

import java.util.List;
import java.util.Map;

/**
 * The statistics of one {@link MappingKind} over a page map. Immutable.
 *
 * @param kind            the scheme
 * @param totalEntries    entries needed to cover every present page
 * @param totalCoverage   pages those entries cover (all present pages)
 * @param coverageAt      percent of present pages covered by the N largest entries, for N = 32, 64, 128, 256
 * @param targets         entries needed for 80, 90 and 99 percent
 */
public record KindReport(MappingKind kind, long totalEntries, long totalCoverage, Map<Integer, Double> coverageAt,
        List<CoverageTarget> targets) {
    public KindReport {
        coverageAt = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(coverageAt));
        targets = List.copyOf(targets);
    }
}

package org.aepdsm.api.paging;

/**
 * How many entries, largest first, cover a share of the present pages. Immutable.
 *
 * @param percent       the share asked for (80, 90, 99)
 * @param entries       entries needed, largest first (0 when there are no present pages)
 * @param exactCoverage the share of the present pages those entries really cover, in percent (over 100 is
 *                      possible for {@link MappingKind#VMA}, whose entries include pages not present)
 */
public record CoverageTarget(int percent, long entries, double exactCoverage) {
}

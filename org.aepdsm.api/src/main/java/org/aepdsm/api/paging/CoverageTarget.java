package org.aepdsm.api.paging;

/**
 * How many entries, largest first, cover a share of the present pages. Immutable.
 *
 * @param percent       the share asked for (80, 90, 99)
 * @param entries       entries needed
 * @param exactCoverage the share those entries really cover, in percent
 */
public record CoverageTarget(int percent, long entries, double exactCoverage) {
}

package org.aepdsm.bench;

/**
 * One measured number of a benchmark or a peer. Immutable.
 *
 * @param name           what was measured, the same name for ours and the peers' (e.g. {@code throughput})
 * @param value          the number
 * @param unit           its unit (e.g. {@code ops/sec}, {@code ns/transfer})
 * @param higherIsBetter whether a larger value is the better one
 */
public record Figure(String name, double value, String unit, boolean higherIsBetter) {
    /** A figure where more is better. */
    public static Figure higher(String name, double value, String unit) {
        return new Figure(name, value, unit, true);
    }

    /** A figure where less is better. */
    public static Figure lower(String name, double value, String unit) {
        return new Figure(name, value, unit, false);
    }
}

package org.aepdsm.api.morsel;

/**
 * The work one map, unmap or transfer did. Immutable.
 *
 * @param entriesWritten    page-table entries written
 * @param pageTablePages    page-table pages allocated by the operation
 * @param nanos             wall-clock nanoseconds the operation took
 */
public record MappingCost(long entriesWritten, long pageTablePages, long nanos) {
}

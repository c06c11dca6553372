package org.aepdsm.api.memory;

/**
 * One mapping of an {@link AddressSpace}: a virtual range, what backs it, its
 * rights and sharing. Immutable.
 *
 * @param start      first virtual address, aligned to {@code pageSize}
 * @param length     bytes, a multiple of {@code pageSize}
 * @param firstFrame the frame mapped at {@code start} (following pages map the following
 *                   frames), or {@code -1} for memory filled on demand
 * @param pageSize   the page size used
 * @param protection the access rights
 * @param mode       shared or copy-on-write
 */
public record Mapping(long start, long length, long firstFrame, PageSize pageSize, Protection protection,
        MapMode mode) {
    /** The address after the last byte. */
    public long end() {
        return start + length;
    }

    /** Whether pages are allocated on first touch rather than given. */
    public boolean onDemand() {
        return firstFrame < 0;
    }

    /** Whether {@code address} lies inside. */
    public boolean contains(long address) {
        return address >= start && address - start < length;
    }
}

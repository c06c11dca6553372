package org.aepdsm.api.view;

/**
 * A virtual address range. Immutable.
 *
 * @param start  first address
 * @param length bytes
 */
public record Range(long start, long length) {
    /** The address after the last byte. */
    public long end() {
        return start + length;
    }
}

package org.aepdsm.api.memory;

/**
 * How a mapping shares its frames. Immutable.
 */
public enum MapMode {
    /** Loads and stores go to the mapped frames; every mapping of them sees every store. */
    SHARED,
    /**
     * Copy-on-write: loads read the mapped frames; the first store to a page copies it
     * into a frame private to this address space, so only that page diverges.
     */
    COPY_ON_WRITE
}

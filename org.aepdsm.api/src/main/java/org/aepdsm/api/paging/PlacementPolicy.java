package org.aepdsm.api.paging;

/**
 * How frames are chosen for demand faults of an address space. Immutable.
 */
public enum PlacementPolicy {
    /** The Linux-like buddy allocator: the smallest free block, no regard for the virtual address. */
    BUDDY,
    /**
     * Contiguity-aware paging: the frame at the VMA's recorded virtual-to-physical offset when free,
     * else the start of a free run chosen next-fit from the sorted free runs.
     */
    CONTIGUITY_AWARE
}

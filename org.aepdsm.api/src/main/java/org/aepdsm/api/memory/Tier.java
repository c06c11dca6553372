package org.aepdsm.api.memory;

/**
 * The kind of memory a {@link FramePool} holds. Immutable.
 */
public enum Tier {
    /** Node-local DRAM. */
    DRAM,
    /** CXL-attached memory shared by the nodes. */
    CXL
}

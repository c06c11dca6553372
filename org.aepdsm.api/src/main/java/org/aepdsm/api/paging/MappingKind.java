package org.aepdsm.api.paging;

/**
 * The translation schemes whose entry counts a {@link ContiguityReport} gives. Immutable.
 */
public enum MappingKind {
    /** One entry per VMA whose pages share one virtual-to-physical offset. */
    VMA,
    /** One entry per virtually and physically contiguous run (a range of equal offsets). */
    VIRTUAL,
    /** Anchor TLB: runs cut at anchor-aligned boundaries of the chosen anchor distance. */
    ANCHOR,
    /** Range TLB: one entry per maximal run of equal offset inside a VMA. */
    RANGE,
    /** SpOT: one entry per distinct offset within a VMA, runs across gaps sharing it. */
    SPOT
}

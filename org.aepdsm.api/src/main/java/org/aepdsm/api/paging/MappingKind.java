package org.aepdsm.api.paging;

/**
 * The translation schemes whose entry counts a {@link ContiguityReport} gives, with page-collect's
 * definitions (ISCA 2020, "Enhancing and Exploiting Contiguity for Fast Memory Virtualization").
 * Sizes are in 4 KiB pages; a 2 MiB page counts as its 512 pages. Immutable.
 */
public enum MappingKind {
    /**
     * VMA TLB: one entry per VMA, as large as the VMA's virtual size whether its pages are present
     * or not, so its coverage can exceed the present pages.
     */
    VMA,
    /**
     * Virtual TLB: one entry per maximal run of present pages with consecutive virtual page numbers
     * inside one VMA; where the frames are is ignored (a bound needing only virtual contiguity).
     */
    VIRTUAL,
    /**
     * Anchor TLB (Hybrid TLB Coalescing): each {@link #RANGE} run is cut at the multiples of the anchor
     * distance; from an anchor on, one entry covers up to the anchor distance, and the pages of the run
     * before its first anchor take 2 MiB entries where a 2 MiB page fits and 4 KiB entries elsewhere.
     */
    ANCHOR,
    /**
     * Range TLB (Redundant Memory Mappings): one entry per maximal run inside one VMA whose pages are
     * consecutive both in virtual and in physical page numbers; no alignment is needed.
     */
    RANGE,
    /**
     * SpOT: one entry per distinct virtual-to-physical offset (virtual page number minus frame number)
     * over all present pages of the map, across gaps and VMAs; its size is the number of pages with
     * that offset.
     */
    SPOT
}

package org.aepdsm.api.morsel;

/**
 * A page-table entry format. Immutable.
 */
public enum TranslationFormat {
    /** x86-64 4-level paging: P, RW, US, PWT, PCD, A, D, PS, G, PFN 12-51, protection key 59-62, NX 63. */
    AMD64,
    /** Intel EPT: read 0, write 1, execute 2, memory type 3-5, ignore-PAT 6, large page 7, A 8, D 9, PFN 12-51. */
    EPT
}

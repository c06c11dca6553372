package org.aepdsm.api.memory;

/**
 * Why an access faulted. Immutable.
 */
public enum FaultKind {
    /** No page is present at the address (an on-demand page not touched yet, or a page taken away). */
    NOT_PRESENT,
    /** A store hit a copy-on-write page. */
    COPY_ON_WRITE,
    /** The page's rights forbid the access. */
    PROTECTION
}

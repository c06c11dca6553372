package org.aepdsm.dsm.coherence;

/** What a holder does with its own copy after the origin fetched the page from it. */
public enum FetchMode {
    /** Keep the copy as it is (a read-shared copy serving another reader). */
    KEEP,
    /** Keep a read-only copy (the writer serving a reader, or serving a writer before it is invalidated). */
    DOWNGRADE,
    /** Give the copy up once it is copied out (the sole holder's copy taken for a writer). */
    DROP;

    static FetchMode of(int ordinal) {
        return values()[ordinal];
    }
}

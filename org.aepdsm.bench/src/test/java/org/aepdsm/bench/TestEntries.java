package org.aepdsm.bench;

/** Test entries for tests outside this package. */
public final class TestEntries {
    private TestEntries() {
    }

    /** A fresh in-memory shadow entry at the originals' default address. */
    public static EntryChoice.Candidate shadow() {
        return Harness.shadow(new HeapEntry());
    }
}

package org.aepdsm.api.morsel;

import java.util.OptionalLong;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A translation of a morsel in a foreign format, filled lazily from the leader
 * (AMD64) tree: a lookup that misses builds the entry on the fault; changes to the
 * leader invalidate the entries they affect. Thread-safe.
 */
@ProviderType
public interface SecondaryView {
    /** The format of this view's entries. */
    TranslationFormat format();

    /**
     * The raw entry for the page at {@code offset} bytes into the morsel, built from the leader on a miss.
     *
     * @return the entry, or empty if the leader has no page there
     */
    OptionalLong entry(long offset);

    /** Entries built lazily so far. */
    long entriesBuilt();

    /** Entries invalidated by leader changes so far. */
    long invalidations();

    /** Entries present now. */
    long entriesPresent();
}

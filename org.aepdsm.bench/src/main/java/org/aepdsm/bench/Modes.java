package org.aepdsm.bench;

import org.aepdsm.api.entry.ShadowEntry;

/**
 * The originals' entry-mode names ({@code aep_dsm_entry_mode()}). Stateless.
 */
public final class Modes {
    /** Calls go through the shadow entry's isolation gate. */
    public static final String SHADOW = "shadow-entry";
    /** Calls skip the gate (the originals' DIRECT_LINK build). */
    public static final String DIRECT = "direct-link";

    private Modes() {
    }

    /** The mode name of an entry. */
    public static String of(ShadowEntry entry) {
        return entry.direct() ? DIRECT : SHADOW;
    }
}

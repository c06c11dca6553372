package org.aepdsm.dsm.coherence;

/**
 * The origin's answer to a page fault. {@code seq} is the page's grant number, which the requester
 * records when the grant is in place (see {@link LocalPages#awaitGrant}). Immutable.
 */
public sealed interface Grant {
    /** The page's data goes with the grant. */
    record Data(byte[] bytes, int seq) implements Grant {
    }

    /** The requester already holds a valid copy: ownership only (Popcorn's VM_FAULT_CONTINUE). */
    record NoData(int seq) implements Grant {
    }

    /** Every copy of the page died with its nodes. */
    record Lost(String reason) implements Grant {
    }
}

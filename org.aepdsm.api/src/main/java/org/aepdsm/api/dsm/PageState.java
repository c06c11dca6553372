package org.aepdsm.api.dsm;

import java.util.Set;

/**
 * Coherence state of one page of a region as the origin knows it. Immutable snapshot.
 *
 * @param page    the page index in the region
 * @param owners  nodes holding a valid copy
 * @param writer  the node holding it writable, or -1
 * @param lost    whether every copy was on nodes that died
 */
public record PageState(long page, Set<Integer> owners, int writer, boolean lost) {
    public PageState {
        owners = Set.copyOf(owners);
    }
}

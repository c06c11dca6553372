package org.aepdsm.api.memory;

/**
 * Counters of the accesses an {@link AddressSpace} mediated. A snapshot; immutable.
 *
 * @param accesses        loads and stores through the space's access methods
 * @param tlbHits         TLB hits (0 where there is no TLB model)
 * @param tlbMisses       TLB misses (0 where there is no TLB model)
 * @param walkReferences  memory references made by page walks
 * @param faults          page faults of every kind
 * @param copyOnWrites    pages copied because a store hit a copy-on-write page
 * @param pageTablePages  frames holding this space's page tables (0 where the backend has none of its own)
 * @param simulatedNanos  nanoseconds charged by the latency model (0 on real hardware)
 */
public record AccessStats(long accesses, long tlbHits, long tlbMisses, long walkReferences, long faults,
        long copyOnWrites, long pageTablePages, long simulatedNanos) {
}

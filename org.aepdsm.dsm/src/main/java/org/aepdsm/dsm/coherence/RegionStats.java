package org.aepdsm.dsm.coherence;

/**
 * Protocol counters of one region on one node. Immutable snapshot.
 *
 * @param faults              fault requests this node sent to the origin (or served itself, at the origin)
 * @param coalesced           faults that waited for another thread's request for the same page instead
 * @param dataReceived        grants that carried page data
 * @param grantsReceived      write grants without data (the copy here was valid)
 * @param invalidationsReceived copies this node dropped because another node wrote
 * @param fetchesServed       pages this node copied out for the origin
 * @param invalidationsSent   invalidations the origin sent (origin only)
 * @param grantsWithoutData   write grants the origin gave without data (origin only)
 * @param remoteFetches       fetches the origin made from other holders (origin only)
 */
public record RegionStats(long faults, long coalesced, long dataReceived, long grantsReceived,
        long invalidationsReceived, long fetchesServed, long invalidationsSent, long grantsWithoutData,
        long remoteFetches) {
}

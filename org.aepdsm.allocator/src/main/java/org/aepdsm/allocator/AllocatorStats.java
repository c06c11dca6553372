package org.aepdsm.allocator;

import java.util.List;

/**
 * A snapshot of the allocator's counters. Immutable.
 *
 * @param callsPerOp     calls made, indexed by op number (index 0: calls with an unknown op)
 * @param liveObjects    objects allocated and not freed
 * @param liveBytes      bytes of their blocks or page runs (headers and rounding included)
 * @param pagesInUse     data pages claimed by spans
 * @param metadataBytes  pool bytes before the data area (headers, tables, redo logs, mailboxes)
 * @param poolBytes      the pool's size
 * @param segmentsByNode segments each node holds
 */
public record AllocatorStats(List<Long> callsPerOp, long liveObjects, long liveBytes, long pagesInUse,
        long metadataBytes, long poolBytes, List<Integer> segmentsByNode) {
    public AllocatorStats {
        callsPerOp = List.copyOf(callsPerOp);
        segmentsByNode = List.copyOf(segmentsByNode);
    }

    /** Bytes of the data area held by spans. */
    public long bytesInUse() {
        return pagesInUse * PoolLayout.PAGE;
    }

    /** Pool bytes spent per live object, metadata included, or 0 with no live objects. */
    public double poolBytesPerObject() {
        return liveObjects == 0 ? 0 : (double) (bytesInUse() + metadataBytes) / liveObjects;
    }
}

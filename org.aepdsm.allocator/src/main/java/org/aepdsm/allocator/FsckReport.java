package org.aepdsm.allocator;

import java.util.List;

/**
 * What a walk of the pool found. Immutable.
 *
 * @param liveObjects objects found allocated (owned or in flight)
 * @param inFlight    of those, objects sitting in a mailbox
 * @param spans       slab spans and page runs found
 * @param problems    every inconsistency, in walk order; empty when the pool is consistent
 */
public record FsckReport(long liveObjects, long inFlight, long spans, List<Problem> problems) {
    public FsckReport {
        problems = List.copyOf(problems);
    }

    /** Whether no problem was found. */
    public boolean clean() {
        return problems.isEmpty();
    }

    /** One finding. Immutable. */
    public record Problem(Kind kind, long offset, String message) {
        @Override
        public String toString() {
            return kind + " at 0x" + Long.toHexString(offset) + ": " + message;
        }
    }

    /** Kinds of findings. */
    public enum Kind {
        /** The pool header is missing or damaged. */
        POOL_HEADER,
        /** An object header has a bad magic or class. */
        CORRUPT_HEADER,
        /** Allocated, with no owner and in no mailbox, and no references keep it. */
        LEAKED_OBJECT,
        /** An object owned and also waiting in a mailbox, or waiting in two cells. */
        DOUBLY_OWNED,
        /** A block on a free list whose header says allocated, or on two free lists. */
        FREE_AND_ALLOCATED,
        /** A free block on no free list. */
        LEAKED_BLOCK,
        /** A span's counters disagree with its blocks. */
        SPAN_ACCOUNTING,
        /** A client's span list is broken, or a span is on no list. */
        SPAN_LIST,
        /** Page map and segment masks disagree. */
        PAGE_MAP,
        /** A mailbox ring is inconsistent. */
        MAILBOX,
        /** A redo record was left behind (a client died mid-operation and was not recovered). */
        PENDING_REDO,
        /** The allocation counters disagree with the objects found. */
        COUNTERS
    }
}

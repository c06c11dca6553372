package org.aepdsm.allocator;

/**
 * Places inside multi-step operations where a test can stop the allocator as if
 * its process died: each lies after the operation's redo record is written and
 * before the operation completes. Immutable.
 */
public enum CrashPoint {
    /** MALLOC: record committed, span state written, block header not yet. */
    MALLOC_COMMITTED,
    /** FREE by the span's owner: record committed, nothing applied. */
    FREE_COMMITTED,
    /** FREE by another client: header marked REMOTE_FREE, not yet on the span's remote stack. */
    REMOTE_FREE_MARKED,
    /** A new span: pages claimed and record committed, descriptor not yet written. */
    CARVE_COMMITTED,
    /** A span release: record committed, nothing applied. */
    RELEASE_COMMITTED,
    /** Remote frees detached from a span and recorded, not yet on the local free list. */
    COLLECT_COMMITTED,
    /** SEND: mailbox cell reserved and recorded, object still OWNED. */
    SEND_RESERVED,
    /** SEND: object IN_FLIGHT, mailbox cell not yet published. */
    SEND_MARKED,
    /** RECV: mailbox cell claimed and recorded, object still IN_FLIGHT. */
    RECV_CLAIMED,
    /** LINK: record committed, slot not yet written, count not yet raised. */
    LINK_COMMITTED,
    /** UNLINK: record committed, slot not yet cleared. */
    UNLINK_COMMITTED
}

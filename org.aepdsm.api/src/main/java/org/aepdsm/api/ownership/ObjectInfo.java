package org.aepdsm.api.ownership;

/**
 * What the allocator knows of one object. Immutable snapshot.
 *
 * @param ref        its global reference
 * @param size       bytes usable by the client
 * @param owner      the owning client, or -1 while it sits in a mailbox
 * @param node       the node whose segment holds it
 * @param references counted references to it (LINK minus UNLINK)
 * @param inFlight   whether it was sent and not yet received
 */
public record ObjectInfo(GlobalRef ref, long size, int owner, int node, long references, boolean inFlight) {
}

package org.aepdsm.dsm.cluster;

/**
 * A request could not complete because its target node is not (or no longer) a member.
 * Internal to the protocol; API edges turn it into an {@code AepException}. Immutable.
 */
public final class NodeDownException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int node;

    public NodeDownException(int node) {
        super("node " + node + " is not a member");
        this.node = node;
    }

    /** The node that is down. */
    public int node() {
        return node;
    }
}

package org.aepdsm.api.ownership;

/**
 * How clients are numbered and placed on nodes. Immutable.
 *
 * @param nodes          nodes sharing the pool
 * @param clientsPerNode clients on each node; client {@code c} is on node {@code c / clientsPerNode}
 */
public record Topology(int nodes, int clientsPerNode) {
    public Topology {
        if (nodes < 1 || clientsPerNode < 1) {
            throw new IllegalArgumentException("topology needs at least one node and one client per node, got "
                    + nodes + " nodes x " + clientsPerNode + " clients");
        }
    }

    /** Clients in all. */
    public int clients() {
        return nodes * clientsPerNode;
    }

    /** The node of a client. */
    public int nodeOf(int client) {
        return client / clientsPerNode;
    }
}

package org.aepdsm.api.dsm;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * This JVM's membership in a DSM cluster.
 *
 * <p>Errors ({@link org.aepdsm.api.AepException}): an unknown node is {@code EINVAL};
 * migrating a task to the node it is on is {@code EBUSY}; a node that is down is
 * {@code EAGAIN}; an unknown task is {@code ENOENT}. Thread-safe.
 */
@ProviderType
public interface DsmCluster {
    /** This node's id. */
    int localNode();

    /** Members, by id. */
    List<NodeInfo> members();

    /** Creates a region with this node as origin, or opens the one of that name. */
    DsmRegion region(String name, long size);

    /**
     * Opens the region of that name, created earlier by some node.
     *
     * @throws org.aepdsm.api.AepException ENOENT if no node created a region of that name
     * @since 1.1
     */
    DsmRegion region(String name);

    /** Starts a task on a node; returns its id. */
    long start(Class<? extends MigratableTask> type, byte[] initialState, int node);

    /** Moves a task to another node at its next migration point. */
    void migrate(long task, int node);

    /** Tasks this node knows. */
    List<TaskInfo> tasks();
}

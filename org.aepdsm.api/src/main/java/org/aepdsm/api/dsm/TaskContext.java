package org.aepdsm.api.dsm;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What a running {@link MigratableTask} sees of where it runs. Valid only during the
 * call it was passed to; used by the task's own thread.
 */
@ProviderType
public interface TaskContext {
    /** The node the task runs on now. */
    int node();

    /** A region by name. */
    DsmRegion region(String name);

    /** Whether a migration was asked for; the task should then return from {@code step} so it can move. */
    boolean migrationRequested();

    /** Asks to move to {@code node} at the next migration point. */
    void requestMigration(int node);
}

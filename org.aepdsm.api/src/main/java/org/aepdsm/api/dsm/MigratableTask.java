package org.aepdsm.api.dsm;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A task that runs in steps and carries explicit state between nodes. Between two
 * steps (a migration point) it may move to another node: its {@link #state()} is
 * sent there and given to a new instance through {@link #restore(byte[])}.
 *
 * <p>Implementations need a public no-argument constructor and need not be thread-safe:
 * one thread runs a task at a time.
 */
@ConsumerType
public interface MigratableTask {
    /**
     * Runs one step.
     *
     * @return true when the task is done
     */
    boolean step(TaskContext context);

    /** The task's state, to be carried to another node. */
    byte[] state();

    /** Takes over the state of an instance that ran elsewhere. */
    void restore(byte[] state);
}

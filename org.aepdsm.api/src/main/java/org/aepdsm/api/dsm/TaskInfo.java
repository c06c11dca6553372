package org.aepdsm.api.dsm;

/**
 * A task as {@code dsm:tasks} shows it. Immutable snapshot.
 *
 * @param id         task id, unique in the cluster
 * @param type       the task's class name
 * @param node       where it runs now
 * @param migrations how often it moved
 * @param done       whether it finished
 */
public record TaskInfo(long id, String type, int node, int migrations, boolean done) {
}

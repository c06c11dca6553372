package org.aepdsm.api.dsm;

/**
 * A cluster member. Immutable snapshot.
 *
 * @param id      the node's number in the cluster
 * @param name    its member name
 * @param local   whether it is this JVM
 * @param alive   whether the failure detector considers it up
 */
public record NodeInfo(int id, String name, boolean local, boolean alive) {
}

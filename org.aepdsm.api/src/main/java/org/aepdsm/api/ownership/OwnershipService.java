package org.aepdsm.api.ownership;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Read access to ownership: who owns an object, on which node, and its references.
 * Changes of ownership go through the shadow entry (SEND, RECV, RECOVER) only.
 * Thread-safe; answers are snapshots.
 */
@ProviderType
public interface OwnershipService {
    /** The client and node layout. */
    Topology topology();

    /** What is known of the object, or empty if the handle names no live object. */
    Optional<ObjectInfo> describe(long handle);

    /** The live objects a client owns. */
    List<ObjectInfo> ownedBy(int client);
}

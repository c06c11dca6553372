package org.aepdsm.allocator;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.aepdsm.api.ownership.ObjectInfo;
import org.aepdsm.api.ownership.OwnershipService;
import org.aepdsm.api.ownership.Topology;

/**
 * Read access to the ownership recorded in one allocator's pool. Answers are
 * snapshots read from object headers without locking; {@link #ownedBy} walks the
 * whole pool. A retired pool answers empty.
 *
 * <p>Thread-safe.
 */
public final class PoolOwnership implements OwnershipService {
    private final PoolShadowEntry entry;

    /** @param entry the entry whose allocator is asked */
    public PoolOwnership(PoolShadowEntry entry) {
        this.entry = Objects.requireNonNull(entry, "entry");
    }

    @Override
    public Topology topology() {
        return entry.allocator().topology();
    }

    @Override
    public Optional<ObjectInfo> describe(long handle) {
        if (entry.retired()) {
            return Optional.empty();
        }
        try {
            return entry.allocator().describe(handle);
        } catch (IllegalStateException closed) {
            return Optional.empty();
        }
    }

    @Override
    public List<ObjectInfo> ownedBy(int client) {
        if (entry.retired()) {
            return List.of();
        }
        try {
            return List.copyOf(entry.allocator().ownedBy(client));
        } catch (IllegalStateException closed) {
            return List.of();
        }
    }
}

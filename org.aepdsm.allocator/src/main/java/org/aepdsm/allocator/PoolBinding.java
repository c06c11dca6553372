package org.aepdsm.allocator;

import java.io.PrintStream;
import java.util.Objects;
import java.util.Optional;

import org.aepdsm.api.memory.Isolation;
import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.api.memory.SharedPool;
import org.aepdsm.api.memory.SharedPoolSpec;
import org.aepdsm.api.ownership.Topology;

/**
 * One allocator bound to one backend: the shared pool it opened there, the
 * allocator over it, the shadow entry and ownership view in front of it. Retiring
 * the binding makes the entry answer ESTALE and then unmaps the pool, so handles of
 * the old backend can never reach freed memory.
 *
 * <p>Thread-safety: immutable apart from retirement, which is idempotent and safe
 * against calls in flight (they see ESTALE).
 */
public final class PoolBinding implements AutoCloseable {
    /**
     * How to open the allocator. Immutable.
     *
     * @param poolName     the shared pool's name
     * @param poolBytes    its size when created
     * @param topology     nodes and clients per node
     * @param mailboxSlots slots per mailbox ring (a power of two)
     * @param skipInit     attach to a pool another process initialized ({@code --skip-init})
     * @param direct       bypass the protection domain ({@code direct-link} mode)
     * @param entryAddress the entry address this instance answers to
     */
    public record Settings(String poolName, long poolBytes, Topology topology, int mailboxSlots, boolean skipInit,
            boolean direct, long entryAddress) {
        public Settings {
            Objects.requireNonNull(poolName, "poolName");
            Objects.requireNonNull(topology, "topology");
        }
    }

    private final MemoryBackend backend;
    private final SharedPool pool;
    private final PoolShadowEntry entry;
    private final PoolShadowEntry directEntry;
    private final PoolOwnership ownership;

    private PoolBinding(MemoryBackend backend, SharedPool pool, PoolShadowEntry entry, PoolShadowEntry directEntry) {
        this.backend = backend;
        this.pool = pool;
        this.entry = entry;
        this.directEntry = directEntry;
        this.ownership = new PoolOwnership(entry);
    }

    /**
     * Opens the pool on the backend and builds the allocator; formats the pool unless {@code skipInit}, and
     * puts the pool's metadata into the backend's protection domain unless {@code direct}.
     *
     * @throws org.aepdsm.api.AepException from the backend when the pool cannot be opened
     * @throws IllegalArgumentException    when the pool cannot hold the configured topology
     */
    public static PoolBinding open(MemoryBackend backend, Settings settings, PrintStream out) {
        SharedPool pool = backend.openSharedPool(new SharedPoolSpec(settings.poolName(), settings.poolBytes(),
                settings.skipInit()));
        try {
            AepAllocator allocator = AepAllocator.open(pool.segment(), settings.topology(), settings.mailboxSlots(),
                    settings.skipInit(), out);
            if (!settings.skipInit()) {
                allocator.init();
            }
            if (!settings.direct()) {
                backend.protectionDomain().isolate(pool, 0, allocator.layout().dataStart());
                allocator.isolatedIn(backend.protectionDomain());
            }
            PoolShadowEntry entry = new PoolShadowEntry(allocator, backend.protectionDomain(), settings.direct(),
                    settings.entryAddress());
            // A direct-link entry beside the gated one, for measuring the gate and for debugging. Where the
            // CPU enforces the isolation (protection keys) a call that skips the gate would fault on the
            // metadata, so there is none.
            PoolShadowEntry directEntry = settings.direct() ? null
                    : backend.protectionDomain().isolation() == Isolation.PKEY ? null
                    : new PoolShadowEntry(allocator, null, true, settings.entryAddress());
            return new PoolBinding(backend, pool, entry, directEntry);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    public MemoryBackend backend() {
        return backend;
    }

    public SharedPool pool() {
        return pool;
    }

    public PoolShadowEntry entry() {
        return entry;
    }

    /**
     * A direct-link entry over the same allocator, when the primary entry is gated and the isolation is
     * not enforced by hardware.
     */
    public Optional<PoolShadowEntry> directEntry() {
        return Optional.ofNullable(directEntry);
    }

    public PoolOwnership ownership() {
        return ownership;
    }

    /** Retires the entry, then unmaps the pool in this process. */
    @Override
    public void close() {
        entry.retire();
        if (directEntry != null) {
            directEntry.retire();
        }
        pool.close();
    }
}

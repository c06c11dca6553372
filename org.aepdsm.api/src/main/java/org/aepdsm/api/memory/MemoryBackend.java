package org.aepdsm.api.memory;

import java.util.List;
import java.util.Optional;

import org.aepdsm.api.AepException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A machine AEP-DSM runs on: the simulated model ({@code sim}) or the real Linux
 * machine ({@code native}). Registered as an OSGi service with the property
 * {@value #ID_PROPERTY}; exactly one is active per runtime.
 *
 * <p>When the backend is deactivated every object it handed out becomes stale:
 * methods on them throw {@link AepException} with {@code ESTALE}, and their memory
 * is released only after no access can reach it.
 *
 * <p>Thread-safety: all methods may be called from any thread.
 */
@ProviderType
public interface MemoryBackend {
    /** The service property that carries {@link #id()}. */
    String ID_PROPERTY = "aepdsm.backend";

    /** {@code sim} or {@code native}. */
    String id();

    /** What the backend is and can do. */
    BackendInfo info();

    /** The number of nodes of the machine (1 on native unless configured otherwise). */
    int nodeCount();

    /**
     * The DRAM frame pool of a node.
     *
     * @throws AepException {@code EINVAL} for a node outside {@code 0..nodeCount()-1}
     */
    FramePool framePool(int node);

    /**
     * Creates an empty address space of {@code size} bytes whose on-demand pages come from the node's pool.
     *
     * @throws AepException {@code EINVAL} for a bad node or a size that is zero, unaligned to 2 MiB or
     *                      beyond the backend's limit; {@code ENOMEM} when it cannot be reserved
     */
    AddressSpace createAddressSpace(int node, long size);

    /** The live address space with that id. */
    Optional<AddressSpace> addressSpace(long id);

    /** The live address spaces, by id. */
    List<AddressSpace> addressSpaces();

    /**
     * Opens (creates or attaches to) a shared pool.
     *
     * @throws AepException {@code ENODEV} for a missing device, {@code ENOENT} when attaching to a pool that
     *                      does not exist, {@code EINVAL} for a bad size, {@code EACCES} without permission
     */
    SharedPool openSharedPool(SharedPoolSpec spec);

    /** The isolated execution space. */
    ProtectionDomain protectionDomain();

    /**
     * Page-table subtrees for morsels, where the backend can build and link them. The default is
     * empty: a backend without this support maps objects only page by page.
     */
    default Optional<SubtreeSupport> subtrees() {
        return Optional.empty();
    }

    /** False once the backend was deactivated. */
    boolean isActive();
}

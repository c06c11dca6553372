package org.aepdsm.api.memory;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Code that resolves page faults before the backend's own handling, such as a
 * DSM protocol that fetches the page from another node.
 *
 * <p>Called on the faulting thread, without locks of the address space held; it
 * may map, unmap and protect in that space. Must be thread-safe.
 */
@ConsumerType
@FunctionalInterface
public interface FaultHandler {
    /**
     * Handles a fault.
     *
     * @return true if the fault was resolved and the access should be retried, false to let
     *         the backend handle it (demand fill, copy-on-write) or report it
     */
    boolean onFault(AddressSpace space, Fault fault);
}

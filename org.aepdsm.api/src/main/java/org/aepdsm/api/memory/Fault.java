package org.aepdsm.api.memory;

/**
 * A page fault seen by a {@link FaultHandler}. Immutable.
 *
 * @param space   the id of the address space
 * @param address the faulting virtual address
 * @param write   whether the access was a store
 * @param kind    why it faulted
 */
public record Fault(long space, long address, boolean write, FaultKind kind) {
}

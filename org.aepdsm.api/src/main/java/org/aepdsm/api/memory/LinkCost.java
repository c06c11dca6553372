package org.aepdsm.api.memory;

/**
 * The page-table work of one {@link SubtreeSet} operation. Immutable.
 *
 * @param entriesWritten  page-table entries written (set or cleared), the link entries and the
 *                        entries that hook new tables of the space into their parents included
 * @param tablesAllocated page-table pages the destination space allocated
 * @param tablesFreed     page-table pages the space freed because they emptied
 * @param systemCalls     operating-system calls made (0 on the simulated backend)
 */
public record LinkCost(long entriesWritten, long tablesAllocated, long tablesFreed, long systemCalls) {
    /** No work. */
    public static final LinkCost NONE = new LinkCost(0, 0, 0, 0);

    /** The sum of two costs. */
    public LinkCost plus(LinkCost other) {
        return new LinkCost(entriesWritten + other.entriesWritten, tablesAllocated + other.tablesAllocated,
                tablesFreed + other.tablesFreed, systemCalls + other.systemCalls);
    }
}

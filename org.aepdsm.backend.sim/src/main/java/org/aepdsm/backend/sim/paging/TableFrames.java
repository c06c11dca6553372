package org.aepdsm.backend.sim.paging;

import org.aepdsm.api.AepException;

/**
 * Where a {@link PageTable} gets the frames that hold its tables. Implementations must be
 * thread-safe; the frames they return are zero-filled and owned by the page table until freed.
 */
public interface TableFrames {
    /**
     * A zero-filled 4 KiB frame for a table.
     *
     * @return its physical address
     * @throws AepException {@code ENOMEM} when no frame is left
     */
    long allocateTable();

    /** Returns a frame that {@link #allocateTable()} gave. */
    void freeTable(long physicalAddress);
}

package org.aepdsm.paging.compare;

import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.api.memory.Protection;

/**
 * Places a workload's VMAs in an address space as {@code mmap} would: upwards from the base, each
 * start 2 MiB aligned, one unmapped 2 MiB gap between neighbours so that they never merge. Touching
 * a page stores a long in it, faulting it in.
 *
 * <p>Not thread-safe; one per workload run.
 */
final class SpaceLayout {
    static final long PAGE = PageSize.FRAME_BYTES;
    private static final long GAP = PageSize.SIZE_2M.bytes();

    private final AddressSpace space;
    private final AccessTrace trace;
    private long next;

    SpaceLayout(AddressSpace space, AccessTrace trace) {
        this.space = space;
        this.trace = trace;
        this.next = space.base();
    }

    /** Maps {@code pages} 4 KiB pages on demand, read-write, and returns the start address. */
    long map(long pages) {
        long start = next;
        space.mapOnDemand(start, pages * PAGE, PageSize.SIZE_4K, Protection.READ_WRITE);
        next = start + (pages * PAGE + GAP - 1) / GAP * GAP + GAP;
        return start;
    }

    /** Unmaps a VMA {@link #map} made. */
    void unmap(long start, long pages) {
        space.unmap(start, pages * PAGE);
    }

    /** Stores into page {@code page} of the VMA at {@code start} (faulting it in on first touch). */
    void write(long start, long page) {
        space.putLong(start + page * PAGE, page);
    }

    /** Loads from page {@code page} of the VMA at {@code start}. */
    void read(long start, long page) {
        space.getLong(start + page * PAGE);
    }

    /** Loads from the page and records the access for replay. */
    void readTraced(long start, long page) {
        read(start, page);
        trace.add(start + page * PAGE);
    }

    /** Stores into the page and records the access for replay. */
    void writeTraced(long start, long page) {
        write(start, page);
        trace.add(start + page * PAGE);
    }
}

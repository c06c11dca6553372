package org.aepdsm.dsm.coherence;

import java.lang.foreign.MemorySegment;

/**
 * The memory behind one region on one node, and how page-state changes reach it. {@link LocalPages}
 * calls these with the page's stripe write lock held, after deciding the change; implementations do
 * the memory side only.
 *
 * <p>The simulated path ({@link HeapFrames}) only copies bytes: the protocol's own state checks are the
 * faults. The userfaultfd path maps the region and turns each change into a kernel operation (copy in,
 * write-protect, drop), so plain loads and stores fault by themselves.
 *
 * <p>Implementations are thread-safe for different pages; one page is changed under its stripe lock.
 */
public interface PageFrames extends AutoCloseable {
    /** The bytes of the region on this node. */
    MemorySegment segment();

    /** The segment plain accesses may use (faults resolved by the kernel path), or null on the sim path. */
    MemorySegment faultingSegment();

    /** Copies a valid page out. */
    byte[] copy(long page);

    /**
     * Puts received page data (4096 bytes of {@code data} from {@code offset}) in place; the page becomes
     * readable, and writable if {@code writable}.
     */
    void install(long page, byte[] data, int offset, boolean writable);

    /** A valid read-only page becomes writable without new data. */
    void upgrade(long page);

    /** A writable page becomes read-only. */
    void downgrade(long page);

    /** The page is no longer valid here. */
    void drop(long page);

    /** Releases the memory; later accesses to the segment fail, never touch freed memory. */
    @Override
    void close();
}

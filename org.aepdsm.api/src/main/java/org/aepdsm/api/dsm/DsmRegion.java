package org.aepdsm.api.dsm;

import java.lang.foreign.MemorySegment;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A region every node sees with sequentially consistent page contents. Loads and
 * stores fault pages in from, and invalidate them on, other nodes as needed.
 *
 * <p>Errors: an offset outside the region is {@code EINVAL}; a page whose every copy
 * was lost with dead nodes is {@code EIO}. Thread-safe.
 */
@ProviderType
public interface DsmRegion {
    /** The region's name, the same on every node. */
    String name();

    /** Its size in bytes, a multiple of 4096. */
    long size();

    /**
     * The node that keeps its owner sets: the one that created it, or the one that took it over when the
     * origin died.
     */
    int origin();

    /** Loads a long at an 8-byte aligned offset. */
    long getLong(long offset);

    /** Stores a long at an 8-byte aligned offset. */
    void putLong(long offset, long value);

    /** Atomically adds to the long at an offset and returns the new value. */
    long addAndGet(long offset, long delta);

    /** The local memory of the region, where the backend lets plain accesses fault (native with userfaultfd); otherwise {@code null}. */
    MemorySegment segment();

    /** The coherence state of a page. */
    PageState pageState(long page);
}

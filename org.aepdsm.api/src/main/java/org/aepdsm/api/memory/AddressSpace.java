package org.aepdsm.api.memory;

import java.util.List;
import java.util.Optional;

import org.aepdsm.api.AepException;
import org.aepdsm.api.paging.PageMap;
import org.aepdsm.api.paging.PlacementPolicy;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A virtual address space: the range {@code [base(), limit())}, the mappings in it,
 * and loads and stores through it that fault, fill on demand and copy on write as a
 * process's would.
 *
 * <p>Addresses and lengths must be aligned to the page size used. Errors:
 * unaligned or out-of-range arguments are {@code EINVAL}; mapping over an existing
 * mapping is {@code EEXIST}; a frame that is not allocated in the pool is
 * {@code EINVAL}; an access to an unmapped address is {@code EFAULT}; an access the
 * page's rights forbid is {@code EACCES}; any use after {@link #close()} or after the
 * backend was deactivated is {@code ESTALE}. A call that fails changes nothing.
 *
 * <p>Ownership: frames given to {@link #map} stay owned by the caller; the space
 * counts its mappings of them so they cannot be freed while mapped. Frames the space
 * allocates itself (on demand, for copy-on-write copies, for page tables) are its own
 * and are freed on unmap and close.
 *
 * <p>Thread-safety: all methods may be called from any thread; mapping changes are
 * atomic with respect to accesses.
 */
@ProviderType
public interface AddressSpace extends AutoCloseable {
    /** A number unique within the backend. */
    long id();

    /** The node whose frames fill this space on demand. */
    int node();

    /** The first usable virtual address. */
    long base();

    /** The address after the last usable one. */
    long limit();

    /**
     * Maps {@code length} bytes at {@code address} to the frames of {@code pool} starting at
     * {@code firstFrame}.
     *
     * @throws AepException {@code EINVAL} (alignment, range, unallocated frame, page size not
     *                      supported), {@code EEXIST} (overlap)
     */
    void map(long address, long length, FramePool pool, long firstFrame, PageSize pageSize, Protection protection,
            MapMode mode);

    /**
     * Maps {@code length} bytes at {@code address} whose frames are allocated, zeroed, on first touch.
     *
     * @throws AepException {@code EINVAL}, {@code EEXIST} as for {@link #map}
     */
    void mapOnDemand(long address, long length, PageSize pageSize, Protection protection);

    /**
     * Removes every mapping in the range. Pages of the range that are not mapped are ignored, as
     * with {@code munmap}; a range that splits a larger page is {@code EINVAL}.
     */
    void unmap(long address, long length);

    /** Changes the rights of every page in the range; every page must be mapped ({@code ENOMEM} otherwise, as {@code mprotect}). */
    void protect(long address, long length, Protection protection);

    /** The mappings in address order. */
    List<Mapping> mappings();

    /** Where the address lands now, without faulting; empty if no page is present. */
    Optional<Translation> translate(long address);

    /**
     * The machine's physical frame number of the page holding the address.
     *
     * @throws AepException {@code EFAULT} if no page is present; {@code EOPNOTSUPP} with the reason
     *                      if physical frame numbers cannot be read (for example an unreadable
     *                      {@code /proc/self/pagemap})
     */
    long physicalFrameNumber(long address);

    /** Loads a byte, faulting as needed. */
    byte getByte(long address);

    /** Stores a byte, faulting as needed. */
    void putByte(long address, byte value);

    /** Loads a little-endian long at an 8-byte aligned address. */
    long getLong(long address);

    /** Stores a little-endian long at an 8-byte aligned address. */
    void putLong(long address, long value);

    /** Copies bytes out of the space; the range may cross pages. */
    void read(long address, byte[] destination, int offset, int length);

    /** Copies bytes into the space; the range may cross pages. Nothing is written if any page refuses. */
    void write(long address, byte[] source, int offset, int length);

    /** Installs the handler asked first on every fault, replacing any earlier one; null removes it. */
    void setFaultHandler(FaultHandler handler);

    /** The frame placement used on demand faults. */
    PlacementPolicy placementPolicy();

    /** Chooses the frame placement for later demand faults. */
    void setPlacementPolicy(PlacementPolicy policy);

    /** Every present page, by virtual page number, with its frame, for contiguity analysis. */
    PageMap pageMap();

    /** Access counters since creation or the last {@link #resetStats()}. */
    AccessStats stats();

    /** Sets the access counters to zero. */
    void resetStats();

    /** Whether {@link #close()} was called or the backend is gone. */
    boolean isClosed();

    /** Removes every mapping and frees what the space owns. Idempotent. */
    @Override
    void close();
}

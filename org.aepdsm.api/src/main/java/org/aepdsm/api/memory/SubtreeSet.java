package org.aepdsm.api.memory;

import java.util.List;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The frames of one large object and the page-table subtrees that translate them, built by
 * {@link SubtreeSupport#build}.
 *
 * <p>Layout: offset {@code o} of the object is page {@code o / 4096}. Every whole GiB from offset 0
 * is one 1 GiB subtree (on x86-64 a page directory whose 512 entries point at the object's page
 * tables); the 2 MiB chunks after the last whole GiB are 2 MiB subtrees (one page table each).
 * Linking writes one PDPTE per 1 GiB subtree and one PDE per 2 MiB subtree into the destination
 * space, pointing at the object's own tables; the destination never frees them. Backends without
 * page tables of their own (native) map the same range of their pool file instead, one
 * {@code mmap} per contiguous run of frames.
 *
 * <p>Errors ({@link AepException}): an address not aligned to {@link #alignment()}, or a range that
 * leaves the space, is {@code EINVAL}; a range that overlaps a mapping is {@code EEXIST}; a space
 * that is closed, or a set that is closed, is {@code ESTALE}; a second link into the same space,
 * or resizing or closing while linked, is {@code EBUSY}; unlinking from a space not linked is
 * {@code EINVAL}. A call that fails changes nothing.
 *
 * <p>Thread-safety: all methods may be called from any thread. Ownership: the set owns its frames
 * and tables; the caller owns the set.
 */
@ProviderType
public interface SubtreeSet extends AutoCloseable {
    /** Bytes of the object. */
    long size();

    /** The node whose memory holds the frames. */
    int node();

    /** The address alignment a link needs: 1 GiB if the set has a 1 GiB subtree, else 2 MiB. */
    long alignment();

    /** Subtrees of 1 GiB. */
    long gigabyteSubtrees();

    /** Subtrees of 2 MiB that are not part of a 1 GiB subtree. */
    long megabyteSubtrees();

    /** Page-table pages the set owns (0 on a backend without page tables of its own). */
    long tablePages();

    /** Page-table entries written to build the set (and to grow it). */
    long entriesBuilt();

    /**
     * Whether the frames lie outside every frame pool, in memory the backend reserves without
     * backing until touched (the simulated backend does this for objects larger than a node).
     */
    boolean sparseFrames();

    /** The object's frames as runs of a pool, in object order; empty when {@link #sparseFrames()}. */
    List<FrameRun> frameRuns();

    /**
     * Links the subtrees at {@code address} of {@code space}: one entry per subtree.
     *
     * @param protection the rights of this link; narrower than the leaves' rights restricts them (as the
     *                   RW and NX bits of an x86-64 upper-level entry do)
     */
    LinkCost link(AddressSpace space, long address, Protection protection);

    /** Removes the link from {@code space}, freeing only the space's own tables left empty. */
    LinkCost unlink(AddressSpace space);

    /**
     * The baseline that links avoid: maps the same frames at {@code address} of {@code space} page by
     * page, one leaf entry per 4 KiB page in tables of the space (native: {@code mmap} with
     * {@code MAP_POPULATE}). Counted as a link for {@link #linkedIn()}; removed by {@link #unlink}.
     */
    LinkCost populate(AddressSpace space, long address, Protection protection);

    /** The ids of the spaces linked now, oldest first (closed spaces are dropped). */
    List<Long> linkedIn();

    /** The address of the link in a space, or -1 if not linked there. */
    long linkAddress(AddressSpace space);

    /**
     * The leader (x86-64) leaf entry of the 4 KiB page at {@code offset}, or 0 if no page is there.
     * Backends without page tables report the entry the kernel would hold: the pool frame as PFN.
     *
     * @throws AepException {@code EINVAL} for an offset outside the object
     */
    long leaderEntry(long offset);

    /**
     * Changes the rights and protection key of the pages in {@code [offset, offset + length)} in the
     * leader tree, for every space linked (with a TLB shootdown in each).
     *
     * @param protectionKey 0..15, kept in bits 59..62 of the leaf entries
     * @throws AepException {@code EINVAL} for an unaligned or outside range or a bad key
     */
    void protect(long offset, long length, Protection protection, int protectionKey);

    /**
     * Changes the size to {@code newSize} (a positive multiple of 2 MiB), adding or freeing frames and
     * tables at the end; pages kept keep their contents.
     *
     * @throws AepException {@code EBUSY} while linked anywhere, {@code ENOMEM} when growing fails
     */
    void resize(long newSize);

    /**
     * Lets other processes map the object: returns where its frames are ({@link SubtreeExport#handle()}
     * is the text to hand over) and pins the set, so that {@link #close()} and {@link #resize} refuse
     * with {@code EBUSY} until {@link #unexport()}: frames another process maps must not be reused.
     * Exporting again returns the same export. A set attached from another process exports the same
     * frames through this process's own descriptor. Added in memory 1.2.
     *
     * @throws AepException {@code EOPNOTSUPP} on a backend whose frames no other process can reach (the
     *                      default), {@code ESTALE} for a closed set
     */
    default SubtreeExport export() {
        throw new AepException(Errno.EOPNOTSUPP, "this backend's objects cannot be mapped by other processes");
    }

    /**
     * Ends the pin of {@link #export()}; the caller vouches that no other process still maps the
     * frames (their mappings stay valid memory, but the frames may be reused once the set is closed).
     * Does nothing if the set is not exported. Added in memory 1.2.
     *
     * @throws AepException {@code ESTALE} for a closed set
     */
    default void unexport() {
    }

    /** Whether the set is exported now ({@link #export()}). Added in memory 1.2. */
    default boolean exported() {
        return false;
    }

    /**
     * The id of the process whose frames these are: this process for a set built here, the exporting
     * process for a set from {@link SubtreeSupport#attach}. Added in memory 1.2.
     */
    default long ownerProcess() {
        return ProcessHandle.current().pid();
    }

    /** Whether {@link #close()} was called or the backend is gone. */
    boolean isClosed();

    /**
     * Frees the frames and tables. Idempotent.
     *
     * @throws AepException {@code EBUSY} while linked in a space that is open
     */
    @Override
    void close();
}

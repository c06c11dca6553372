package org.aepdsm.api.morsel;

import java.util.List;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.api.memory.SubtreeExport;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A large virtual-memory object: an aligned run of frames whose translations form
 * page-table subtrees, mapped into address spaces by linking those subtrees.
 *
 * <p>Errors ({@link org.aepdsm.api.AepException}): an unaligned address or size is
 * {@code EINVAL}; overlap with an existing mapping is {@code EEXIST}; a destroyed
 * morsel or space is {@code ESTALE}; transferring from a space it is not mapped in is
 * {@code EINVAL}; destroying or resizing while mapped where forbidden is {@code EBUSY}.
 * A failed operation leaves nothing half-mapped. Thread-safety: all methods may be
 * called from any thread.
 */
@ProviderType
public interface Morsel {
    /** The morsel's id. */
    long id();

    /** Its size in bytes. */
    long size();

    /** Maps it at {@code address} (aligned to its subtree size) in {@code space}. */
    MappingCost map(AddressSpace space, long address, Protection protection);

    /** Unmaps it from {@code space}. */
    MappingCost unmap(AddressSpace space);

    /** Unmaps it from {@code from} and maps it at {@code address} in {@code to}. */
    MappingCost transfer(AddressSpace from, AddressSpace to, long address);

    /** Changes its size; the new size keeps the alignment. */
    void resize(long newSize);

    /** The ids of the spaces it is mapped in. */
    List<Long> mappedIn();

    /** A secondary view in the given format, made on first request. */
    SecondaryView secondaryView(TranslationFormat format);

    /** Frees its frames and subtrees. */
    void destroy();

    /**
     * Lets other processes map this morsel and pins it: {@link #destroy()} and {@link #resize} refuse
     * with {@code EBUSY} until {@link #unexport()}. Hand {@link SubtreeExport#handle()} to the other
     * process, which maps it with {@link MorselService#attach}. Added in morsel 1.1.
     *
     * @throws org.aepdsm.api.AepException {@code EOPNOTSUPP} when the backend's frames cannot be reached
     *                                     by other processes (the default)
     */
    default SubtreeExport export() {
        throw new AepException(Errno.EOPNOTSUPP, "morsel " + id() + " cannot be exported on this backend");
    }

    /** Ends the pin of {@link #export()}. Added in morsel 1.1. */
    default void unexport() {
    }

    /** The process whose memory holds the frames (another process for an attached morsel). Added in morsel 1.1. */
    default long ownerProcess() {
        return ProcessHandle.current().pid();
    }
}

package org.aepdsm.api.memory;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A backend's support for morsels: large objects whose translations are page-table subtrees
 * built once and then linked into address spaces, so that mapping costs one entry per subtree
 * instead of one per page. Obtained from {@link MemoryBackend#subtrees()}.
 *
 * <p>Thread-safety: all methods may be called from any thread. Ownership: the caller owns each
 * {@link SubtreeSet} it builds until it closes it.
 */
@ProviderType
public interface SubtreeSupport {
    /**
     * Allocates the frames of an object of {@code size} bytes on a node and builds its subtrees
     * once: the leaf tables that map every 4 KiB page, and for every whole GiB a table of those.
     *
     * @param node       the node whose memory holds the frames
     * @param size       bytes, a positive multiple of 2 MiB
     * @param protection the rights written into the leaf entries
     * @throws AepException {@code EINVAL} for a bad node, size or protection, {@code ENOMEM} when the
     *                      frames or tables cannot be had (nothing stays allocated)
     */
    SubtreeSet build(int node, long size, Protection protection);

    /**
     * Attaches, in this process, the object another process exported ({@link SubtreeSet#export()}):
     * the returned set links and populates its frames like a set built here (on the native backend one
     * {@code mmap} of the exporter's pool file per run), and its bytes are the exporter's bytes: stores
     * on either side are seen on the other. It cannot be resized ({@code EPERM}); closing it detaches
     * it and frees nothing of the exporter's. Added in memory 1.2.
     *
     * @param protection the rights of the leaf entries in this process
     * @throws AepException {@code EOPNOTSUPP} on a backend that cannot reach other processes' frames
     *                      (the default); {@code EINVAL} naming the file or run if the file is not a
     *                      memory file or a run is not whole 2 MiB blocks inside it; {@code ENOENT} if
     *                      the exporting process or its descriptor is gone; {@code EACCES} or
     *                      {@code EPERM} if the kernel refuses to open it
     */
    default SubtreeSet attach(SubtreeExport export, Protection protection) {
        throw new AepException(Errno.EOPNOTSUPP, "this backend cannot map objects of other processes");
    }
}

package org.aepdsm.api.memory;

import org.aepdsm.api.AepException;
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
}

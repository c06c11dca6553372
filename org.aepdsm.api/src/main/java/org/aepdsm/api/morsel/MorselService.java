package org.aepdsm.api.morsel;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Creates and finds morsels on the active backend. Thread-safe.
 */
@ProviderType
public interface MorselService {
    /**
     * Creates a morsel of {@code size} bytes on a node.
     *
     * @throws org.aepdsm.api.AepException {@code EINVAL} for a size that is zero or not a multiple of
     *                                     2 MiB, {@code ENOMEM} when the frames cannot be had
     */
    Morsel create(int node, long size);

    /** The morsel with that id. */
    Optional<Morsel> find(long id);

    /** Every live morsel. */
    List<Morsel> list();
}

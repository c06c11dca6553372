package org.aepdsm.api.morsel;

import java.util.List;
import java.util.Optional;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.SubtreeExport;
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

    /**
     * Makes a morsel of this runtime from one another process exported ({@link Morsel#export()}): its
     * frames stay the exporter's, mapping it is one {@code mmap} of the exporter's memory per run, and
     * stores on either side are seen on the other. {@link Morsel#destroy()} detaches it; resizing it is
     * {@code EPERM}. Added in morsel 1.1.
     *
     * @throws org.aepdsm.api.AepException as {@link org.aepdsm.api.memory.SubtreeSupport#attach};
     *                                     {@code EOPNOTSUPP} by default
     */
    default Morsel attach(SubtreeExport export) {
        throw new AepException(Errno.EOPNOTSUPP, "this morsel service cannot attach objects of other processes");
    }
}

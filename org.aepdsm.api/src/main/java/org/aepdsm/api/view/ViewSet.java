package org.aepdsm.api.view;

import java.util.List;

import org.aepdsm.api.memory.AddressSpace;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The views of one address space (one "process"), with mmview's operations. The
 * current view is per thread; a thread that never migrated is in the base view.
 *
 * <p>Errors are thrown as {@link ViewException} with mmview's errno. Thread-safety:
 * all methods may be called from any thread.
 */
@ProviderType
public interface ViewSet {
    /**
     * CREATE: a new view of the address space, in sync with the base.
     *
     * @return the new view's id
     * @throws ViewException {@code ENOMEM} when memory for the view cannot be had
     */
    long create();

    /**
     * DELETE: marks the view deleted; its memory is freed when the last thread leaves it.
     *
     * @throws ViewException {@code EPERM} for the base view, {@code EINVAL} for an unknown id
     */
    void delete(long id);

    /** CURRENT: the calling thread's view id. */
    long current();

    /**
     * MIGRATE: makes {@code id} the calling thread's view.
     *
     * @return the id of the view the thread was in
     * @throws ViewException {@code EINVAL} for an unknown or deleted id
     */
    long migrate(long id);

    /**
     * UNSHARE: makes the range copy-on-write per view.
     *
     * @throws ViewException {@code EPERM} while more than one view exists, {@code EINVAL} for an
     *                       unaligned address or bad length, {@code EACCES} for a range that cannot be unshared
     */
    void unshare(long address, long length);

    /**
     * SHARE: makes an unshared range shared again.
     *
     * @throws ViewException as {@link #unshare}
     */
    void share(long address, long length);

    /**
     * SWITCH_BASE: makes the calling thread's current view the base.
     *
     * @return the id of the current view, now the base
     */
    long switchBase();

    /** The base view's id. */
    long baseId();

    /** Every live or deleted-but-occupied view. */
    List<ViewInfo> views();

    /** The unshared ranges. */
    List<Range> unsharedRanges();

    /** The address space realising the calling thread's current view, for loads and stores. */
    AddressSpace currentSpace();

    /**
     * The address space realising a view.
     *
     * @throws ViewException {@code EINVAL} for an unknown id
     */
    AddressSpace space(long id);
}

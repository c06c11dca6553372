package org.aepdsm.mmview;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.api.memory.ViewableSpace;
import org.aepdsm.api.view.ViewService;
import org.aepdsm.api.view.ViewSet;

/**
 * The {@link ViewService}: one {@link SpaceViews} per base address space, and the console's default
 * "process", an address space of {@value #DEFAULT_SPACE_BYTES} bytes on the active backend with
 * {@value #DEFAULT_MAPPED_BYTES} bytes of on-demand memory mapped at its base.
 *
 * <p>The default set is remade when the active backend changes or its space went stale. Sets of
 * closed spaces are dropped at the next request.
 *
 * <p>Thread-safety: all methods may be called from any thread (one lock). Ownership: the registry
 * owns the default space and every view space its sets create; {@link #close()} closes them.
 */
public final class ViewRegistry implements ViewService, AutoCloseable {
    /** Size of the default address space. */
    public static final long DEFAULT_SPACE_BYTES = 1L << 30;
    /** On-demand memory mapped at the base of the default address space. */
    public static final long DEFAULT_MAPPED_BYTES = 64L << 20;

    private final Supplier<MemoryBackend> backend;
    private final Map<AddressSpace, SpaceViews> sets = new IdentityHashMap<>();
    private SpaceViews defaultSet;
    private MemoryBackend defaultBackend;

    /** @param backend the active backend now, or null while none is */
    public ViewRegistry(Supplier<MemoryBackend> backend) {
        this.backend = backend;
    }

    @Override
    public synchronized ViewSet viewSet(AddressSpace base) {
        if (base == null) {
            throw new AepException(Errno.EINVAL, "address space is null");
        }
        if (!(base instanceof ViewableSpace viewable)) {
            throw new AepException(Errno.EOPNOTSUPP, "address space " + base.id() + " (" + base.getClass().getName()
                    + ") cannot have views");
        }
        if (base.isClosed()) {
            throw new AepException(Errno.ESTALE, "address space " + base.id() + " is closed");
        }
        sets.values().removeIf(SpaceViews::isClosed);
        return sets.computeIfAbsent(base, b -> new SpaceViews(viewable, false));
    }

    @Override
    public synchronized SpaceViews defaultViewSet() {
        MemoryBackend b = backend.get();
        if (b == null || !b.isActive()) {
            throw new AepException(Errno.ESTALE, "no memory backend is active");
        }
        if (defaultSet != null && (defaultBackend != b || defaultSet.isClosed())) {
            closeDefault();
        }
        if (defaultSet == null) {
            AddressSpace s = b.createAddressSpace(0, DEFAULT_SPACE_BYTES);
            if (!(s instanceof ViewableSpace viewable)) {
                s.close();
                throw new AepException(Errno.EOPNOTSUPP, "backend " + b.id() + " has no address-space views");
            }
            try {
                s.mapOnDemand(s.base(), DEFAULT_MAPPED_BYTES, PageSize.SIZE_4K, Protection.READ_WRITE);
            } catch (AepException e) {
                s.close();
                throw e;
            }
            defaultSet = new SpaceViews(viewable, true);
            defaultBackend = b;
        }
        return defaultSet;
    }

    /** Closes the default set and forgets every set. */
    @Override
    public synchronized void close() {
        closeDefault();
        sets.clear();
    }

    private void closeDefault() {
        if (defaultSet != null) {
            try {
                defaultSet.close();
            } catch (AepException e) {
                if (e.errno() != Errno.ESTALE) {
                    throw e;
                }
            }
            defaultSet = null;
            defaultBackend = null;
        }
    }
}

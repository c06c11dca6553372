package org.aepdsm.morsel;

import java.util.List;
import java.util.Optional;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.api.memory.SubtreeExport;
import org.aepdsm.api.morsel.Morsel;
import org.aepdsm.api.morsel.MorselService;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The {@link MorselService} of the runtime: a thin shell that keeps one {@link MorselRegistry} per
 * active backend. When the backend changes, a fresh registry starts; morsels of the old backend
 * fail with {@code ESTALE} and drop out of {@link #list()}.
 *
 * <p>Thread-safety: all methods may be called from any thread; the registry is published through
 * a volatile field.
 */
@Component(service = MorselService.class)
public final class MorselServiceComponent implements MorselService {
    private volatile MorselRegistry registry;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(aepdsm.active=true)")
    void bindBackend(MemoryBackend backend) {
        registry = new MorselRegistry(backend);
    }

    void unbindBackend(MemoryBackend backend) {
        MorselRegistry r = registry;
        if (r != null && r.backend() == backend) {
            registry = null;
        }
    }

    private MorselRegistry registry() {
        MorselRegistry r = registry;
        if (r == null) {
            throw new AepException(Errno.ESTALE, "no memory backend is active");
        }
        return r;
    }

    @Override
    public Morsel create(int node, long size) {
        return registry().create(node, size);
    }

    @Override
    public Morsel attach(SubtreeExport export) {
        return registry().attach(export);
    }

    @Override
    public Optional<Morsel> find(long id) {
        return registry().find(id);
    }

    @Override
    public List<Morsel> list() {
        MorselRegistry r = registry;
        return r == null ? List.of() : r.list();
    }
}

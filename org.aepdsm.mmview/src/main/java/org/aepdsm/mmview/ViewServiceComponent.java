package org.aepdsm.mmview;

import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.api.view.ViewService;
import org.aepdsm.api.view.ViewSet;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Registers the {@link ViewService} over the active memory backend (dynamic, greedy, optional: after a
 * backend swap the default view set is remade on the new backend). Delegates to {@link ViewRegistry}.
 * Immediate, so the views of the console's process survive between commands. Thread-safe.
 */
@Component(service = ViewService.class, immediate = true)
public final class ViewServiceComponent implements ViewService {
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(aepdsm.active=true)")
    private volatile MemoryBackend backend;

    private final ViewRegistry registry = new ViewRegistry(() -> backend);

    @Override
    public ViewSet viewSet(AddressSpace base) {
        return registry.viewSet(base);
    }

    @Override
    public ViewSet defaultViewSet() {
        return registry.defaultViewSet();
    }

    @Deactivate
    void deactivate() {
        registry.close();
    }
}

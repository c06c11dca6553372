package org.aepdsm.allocator.component;

import java.util.Dictionary;
import java.util.Hashtable;

import org.aepdsm.allocator.AepCommands;
import org.aepdsm.allocator.PoolBinding;
import org.aepdsm.allocator.PoolShadowEntry;
import org.aepdsm.allocator.PoolState;
import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.api.ownership.GlobalRef;
import org.aepdsm.api.ownership.OwnershipService;
import org.aepdsm.api.ownership.Topology;
import org.aepdsm.api.AepException;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Binds the allocator to the active memory backend: on bind it opens the pool and
 * registers {@link ShadowEntry} (also under {@link PoolShadowEntry}, for the shell
 * commands) and {@link OwnershipService}; on unbind, rebind or reconfiguration it
 * unregisters them and retires the old binding, whose entry then answers ESTALE.
 * Every attempt to open the pool is recorded in the {@link PoolState} service it
 * registers for as long as it is active. The entry's service properties name the
 * pool ({@value #POOL_PROPERTY}).
 *
 * <p>Thread-safety: bind, unbind and lifecycle methods synchronize on the component.
 */
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"org.aepdsm.api.entry.ShadowEntry,org.aepdsm.allocator.PoolShadowEntry\"")
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"org.aepdsm.api.ownership.OwnershipService\"")
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"org.aepdsm.allocator.PoolState\"")
@Component(configurationPid = "org.aepdsm.allocator", immediate = true, service = {})
@Designate(ocd = AllocatorConfiguration.class)
public final class AllocatorComponent {
    /** Service property of the entry: the name of the pool behind it. */
    public static final String POOL_PROPERTY = "aepdsm.pool";

    private final PoolState state = new PoolState();
    private ServiceRegistration<PoolState> stateRegistration;
    private BundleContext context;
    private AllocatorConfiguration config;
    private MemoryBackend backend;
    private PoolBinding binding;
    /** The service property that marks a direct-link entry (the benchmarks' {@code --direct}). */
    static final String DIRECT_PROPERTY = "aepdsm.direct";

    private ServiceRegistration<?> entryRegistration;
    private ServiceRegistration<ShadowEntry> directRegistration;
    private ServiceRegistration<OwnershipService> ownershipRegistration;

    @Activate
    synchronized void activate(BundleContext bundleContext, AllocatorConfiguration configuration) {
        this.context = bundleContext;
        this.config = configuration;
        stateRegistration = bundleContext.registerService(PoolState.class, state, null);
        rebuild();
    }

    @Modified
    synchronized void modified(AllocatorConfiguration configuration) {
        this.config = configuration;
        rebuild();
    }

    @Deactivate
    synchronized void deactivate() {
        retire();
        if (stateRegistration != null) {
            stateRegistration.unregister();
            stateRegistration = null;
        }
        context = null;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(aepdsm.active=true)")
    synchronized void bindBackend(MemoryBackend memoryBackend) {
        this.backend = memoryBackend;
        if (context != null) {
            rebuild();
        }
    }

    synchronized void unbindBackend(MemoryBackend memoryBackend) {
        if (backend == memoryBackend) {
            backend = null;
            retire();
        }
    }

    private void rebuild() {
        retire();
        if (context == null) {
            return;
        }
        if (backend == null) {
            state.record(config.poolName(), "", false, false, "no active memory backend");
            return;
        }
        PoolBinding.Settings settings = new PoolBinding.Settings(config.poolName(), (long) config.poolMiB() << 20,
                new Topology(config.nodes(), config.clientsPerNode()), config.mailboxSlots(), config.skipInit(),
                config.direct(), AepCommands.parse(config.entry()));
        try {
            binding = PoolBinding.open(backend, settings, System.out);
        } catch (AepException | IllegalArgumentException refused) {
            // Without a pool there is no entry to offer; the next bind or configuration change tries again.
            System.err.println("AEP-DSM allocator: cannot open pool '" + settings.poolName() + "' on backend "
                    + backend.id() + ": " + refused.getMessage());
            state.record(settings.poolName(), backend.id(), false, false, refused.getMessage());
            return;
        }
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(ShadowEntry.ENTRY_PROPERTY, GlobalRef.hex(settings.entryAddress()));
        props.put(MemoryBackend.ID_PROPERTY, backend.id());
        props.put(POOL_PROPERTY, settings.poolName());
        Dictionary<String, Object> entryProps = new Hashtable<>();
        entryProps.put(ShadowEntry.ENTRY_PROPERTY, GlobalRef.hex(settings.entryAddress()));
        entryProps.put(MemoryBackend.ID_PROPERTY, backend.id());
        entryProps.put(DIRECT_PROPERTY, settings.direct());
        entryProps.put(POOL_PROPERTY, settings.poolName());
        entryRegistration = context.registerService(
                new String[] {ShadowEntry.class.getName(), PoolShadowEntry.class.getName()}, binding.entry(), entryProps);
        binding.directEntry().ifPresent(direct -> {
            Dictionary<String, Object> directProps = new Hashtable<>();
            directProps.put(ShadowEntry.ENTRY_PROPERTY, GlobalRef.hex(settings.entryAddress()));
            directProps.put(MemoryBackend.ID_PROPERTY, backend.id());
            directProps.put(DIRECT_PROPERTY, true);
            directProps.put(POOL_PROPERTY, settings.poolName());
            directRegistration = context.registerService(ShadowEntry.class, direct, directProps);
        });
        ownershipRegistration = context.registerService(OwnershipService.class, binding.ownership(), props);
        state.record(settings.poolName(), backend.id(), true, binding.pool().created(),
                PoolState.geometry(binding.entry().allocator(), binding.pool().size()));
    }

    private void retire() {
        if (directRegistration != null) {
            directRegistration.unregister();
            directRegistration = null;
        }
        if (entryRegistration != null) {
            entryRegistration.unregister();
            entryRegistration = null;
        }
        if (ownershipRegistration != null) {
            ownershipRegistration.unregister();
            ownershipRegistration = null;
        }
        if (binding != null) {
            binding.close();
            binding = null;
        }
    }
}

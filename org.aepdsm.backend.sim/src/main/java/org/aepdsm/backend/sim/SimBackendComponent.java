package org.aepdsm.backend.sim;

import java.util.List;
import java.util.Optional;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.BackendInfo;
import org.aepdsm.api.memory.FramePool;
import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.api.memory.ProtectionDomain;
import org.aepdsm.api.memory.SharedPool;
import org.aepdsm.api.memory.SharedPoolSpec;
import org.aepdsm.api.memory.SubtreeSupport;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The simulated backend as an OSGi service: a thin shell around the current {@link SimMachine}.
 *
 * <p>Activation scheme: while {@code aepdsm.active} is true a machine is running; when it turns
 * false, when the machine's shape changes, or when the component deactivates, the machine is
 * shut down and every handle it gave out turns stale ({@code ESTALE}). While inactive every
 * method but {@link #id()}, {@link #info()} and {@link #isActive()} throws
 * {@code ESTALE} ("backend sim is not active"). Configuration properties, {@code aepdsm.active}
 * included, become service properties, so consumers select the active backend with the filter
 * {@code (aepdsm.active=true)}.
 *
 * <p>Thread-safety: all methods may be called from any thread; configuration changes are
 * serialised and the current machine is published through a volatile field.
 */
@Component(service = MemoryBackend.class, configurationPid = SimBackendComponent.PID,
        property = {MemoryBackend.ID_PROPERTY + "=sim", "aepdsm.active:Boolean=true"})
@Designate(ocd = SimBackendConfig.class)
public final class SimBackendComponent implements MemoryBackend {
    /** The configuration PID, equal to the bundle's symbolic name. */
    public static final String PID = "org.aepdsm.backend.sim";

    private final Object lock = new Object();
    private volatile SimMachine machine;
    private volatile BackendInfo lastInfo = SimMachine.describe(MachineConfig.defaults());
    private MachineConfig current;

    @Activate
    void activate(SimBackendConfig config) {
        apply(config);
    }

    @Modified
    void modified(SimBackendConfig config) {
        apply(config);
    }

    @Deactivate
    void deactivate() {
        synchronized (lock) {
            stop();
        }
    }

    private void apply(SimBackendConfig config) {
        MachineConfig next = MachineConfig.from(config);
        synchronized (lock) {
            lastInfo = SimMachine.describe(next);
            if (!config.aepdsm_active()) {
                stop();
                return;
            }
            if (machine != null && next.equals(current)) {
                return;
            }
            stop();
            machine = new SimMachine(next);
            current = next;
        }
    }

    private void stop() {
        SimMachine m = machine;
        machine = null;
        current = null;
        if (m != null) {
            m.shutdown();
        }
    }

    private SimMachine machine() {
        SimMachine m = machine;
        if (m == null) {
            throw new AepException(Errno.ESTALE, "backend sim is not active");
        }
        return m;
    }

    @Override
    public String id() {
        return "sim";
    }

    /** The running machine's description, or that of the configured one while inactive. */
    @Override
    public BackendInfo info() {
        SimMachine m = machine;
        return m != null ? m.info() : lastInfo;
    }

    @Override
    public int nodeCount() {
        return machine().nodeCount();
    }

    @Override
    public FramePool framePool(int node) {
        return machine().framePool(node);
    }

    @Override
    public AddressSpace createAddressSpace(int node, long size) {
        return machine().createAddressSpace(node, size);
    }

    @Override
    public Optional<AddressSpace> addressSpace(long id) {
        return machine().addressSpace(id);
    }

    @Override
    public List<AddressSpace> addressSpaces() {
        return machine().addressSpaces();
    }

    @Override
    public SharedPool openSharedPool(SharedPoolSpec spec) {
        return machine().openSharedPool(spec);
    }

    @Override
    public Optional<SubtreeSupport> subtrees() {
        return machine().subtrees();
    }

    @Override
    public ProtectionDomain protectionDomain() {
        return machine().protectionDomain();
    }

    @Override
    public boolean isActive() {
        SimMachine m = machine;
        return m != null && m.isActive();
    }

    /** The machine serving now, or null while inactive (for tests and tools). */
    SimMachine currentMachine() {
        return machine;
    }
}

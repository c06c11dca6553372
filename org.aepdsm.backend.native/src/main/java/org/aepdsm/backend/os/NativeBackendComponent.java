package org.aepdsm.backend.os;

import java.nio.file.Path;
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
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The native backend as an OSGi service: delegates to a {@link NativeMachine} while
 * {@code aepdsm.active} is true, and to none while it is false (every call then throws ESTALE).
 * Turning it off, or deactivating the component, shuts the machine down, so every object it handed
 * out becomes stale; turning it on again builds a fresh machine. A change of pool size or shm
 * directory while active also builds a fresh machine.
 *
 * <p>Thread-safety: all methods may be called from any thread; configuration changes are
 * serialized.
 */
@Component(service = MemoryBackend.class, configurationPid = NativeBackendComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {MemoryBackend.ID_PROPERTY + "=" + NativeMachine.ID})
@Designate(ocd = NativeBackendConfig.class)
public final class NativeBackendComponent implements MemoryBackend {
    /** The configuration PID, the bundle's symbolic name. */
    public static final String PID = "org.aepdsm.backend.native";

    private volatile NativeMachine machine;
    private NativeMachine.Settings settings;
    /** What an inactive backend reports, probed once; settings changes only alter pool size and directory. */
    private volatile BackendInfo standbyInfo;

    /** Applies the first configuration. */
    @Activate
    public void activate(NativeBackendConfig config) {
        apply(config);
    }

    /** Applies a changed configuration. */
    @Modified
    public void modified(NativeBackendConfig config) {
        apply(config);
    }

    /** Shuts the machine down. */
    @Deactivate
    public synchronized void deactivate() {
        NativeMachine m = machine;
        machine = null;
        if (m != null) {
            m.shutdown();
        }
    }

    private synchronized void apply(NativeBackendConfig config) {
        NativeMachine.Settings wanted = new NativeMachine.Settings((long) config.poolMiB() << 20,
                Path.of(config.shmDirectory()));
        NativeMachine m = machine;
        if (m != null && (!config.aepdsm_active() || !wanted.equals(settings))) {
            machine = null;
            m.shutdown();
        }
        if (!wanted.equals(settings)) {
            standbyInfo = null;
        }
        settings = wanted;
        if (config.aepdsm_active() && machine == null) {
            machine = new NativeMachine(wanted);
        }
    }

    private NativeMachine current() {
        NativeMachine m = machine;
        if (m == null || !m.isActive()) {
            throw new AepException(Errno.ESTALE, "backend native is not active");
        }
        return m;
    }

    @Override
    public String id() {
        return NativeMachine.ID;
    }

    @Override
    public BackendInfo info() {
        NativeMachine m = machine;
        if (m != null && m.isActive()) {
            return m.info();
        }
        BackendInfo standby = standbyInfo;
        if (standby == null) {
            NativeMachine.Settings s = settings;
            standby = NativeMachine.standbyInfo(s != null ? s : NativeMachine.Settings.defaults());
            standbyInfo = standby;
        }
        return standby;
    }

    @Override
    public int nodeCount() {
        return 1;
    }

    @Override
    public FramePool framePool(int node) {
        return current().framePool(node);
    }

    @Override
    public AddressSpace createAddressSpace(int node, long size) {
        return current().createAddressSpace(node, size);
    }

    @Override
    public Optional<AddressSpace> addressSpace(long id) {
        return current().addressSpace(id);
    }

    @Override
    public List<AddressSpace> addressSpaces() {
        return current().addressSpaces();
    }

    @Override
    public SharedPool openSharedPool(SharedPoolSpec spec) {
        return current().openSharedPool(spec);
    }

    @Override
    public Optional<SubtreeSupport> subtrees() {
        return current().subtrees();
    }

    @Override
    public ProtectionDomain protectionDomain() {
        return current().protectionDomain();
    }

    @Override
    public boolean isActive() {
        NativeMachine m = machine;
        return m != null && m.isActive();
    }
}

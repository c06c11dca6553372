package org.aepdsm.backend.sim;

import static org.aepdsm.testkit.Errors.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.Capability;
import org.aepdsm.api.memory.Isolation;
import org.aepdsm.backend.sim.paging.TlbGeometry;
import org.junit.jupiter.api.Test;

class ConfigurationTest {
    /** A configuration as ConfigAdmin would give it: the metatype defaults, some overridden. */
    private static SimBackendConfig config(Map<String, Object> overrides) {
        return (SimBackendConfig) Proxy.newProxyInstance(SimBackendConfig.class.getClassLoader(),
                new Class<?>[] {SimBackendConfig.class}, (proxy, method, args) -> {
                    if (overrides.containsKey(method.getName())) {
                        return overrides.get(method.getName());
                    }
                    if (method.getDefaultValue() != null) {
                        return method.getDefaultValue();
                    }
                    return switch (method.getName()) {
                        case "annotationType" -> SimBackendConfig.class;
                        case "hashCode" -> 0;
                        case "equals" -> proxy == args[0];
                        default -> "SimBackendConfig" + overrides;
                    };
                });
    }

    private static Map<String, Object> small(boolean active) {
        Map<String, Object> m = new HashMap<>();
        m.put("nodes", 1);
        m.put("dramMiB", 16L);
        m.put("cxlMiB", 2L);
        m.put("aepdsm_active", active);
        return m;
    }

    @Test
    void metatypeDefaultsAreTheDocumentedOnes() throws Exception {
        Map<String, Object> expected = Map.ofEntries(Map.entry("nodes", 2), Map.entry("dramMiB", 256L),
                Map.entry("cxlMiB", 4096L), Map.entry("seed", 42L), Map.entry("localDramNs", 80L),
                Map.entry("remoteNs", 140L), Map.entry("cxlNs", 250L), Map.entry("aepdsm_active", true),
                Map.entry("tlbL1Entries4k", 64), Map.entry("tlbL2Entries", 1536));
        for (var e : expected.entrySet()) {
            Method m = SimBackendConfig.class.getMethod(e.getKey());
            assertEquals(e.getValue(), m.getDefaultValue(), e.getKey());
        }
        MachineConfig fromDefaults = MachineConfig.from(config(Map.of()));
        assertEquals(MachineConfig.defaults(), fromDefaults);
        assertEquals(new LatencyModel(80, 140, 250, 30), fromDefaults.latency());
        assertEquals(TlbGeometry.defaults(), fromDefaults.tlb());
    }

    @Test
    void badConfigurationsAreRefusedByName() {
        assertErrno(Errno.EINVAL, "0", () -> MachineConfig.of(0, 64, 8));
        assertErrno(Errno.EINVAL, "3145728", () -> MachineConfig.of(1, 3, 8));
        assertErrno(Errno.EINVAL, "1536", () -> new TlbGeometry(64, 32, 4, 4, 1536, 7));
    }

    @Test
    void theComponentFollowsAepdsmActive() {
        SimBackendComponent c = new SimBackendComponent();
        c.activate(config(small(true)));
        assertTrue(c.isActive());
        assertEquals("sim", c.id());
        assertEquals(1, c.nodeCount());
        assertEquals(Isolation.SIMULATED, c.info().isolation());
        assertTrue(c.info().has(Capability.PAGE_TABLES) && c.info().has(Capability.DETERMINISTIC));
        assertEquals("1", c.info().details().get("nodes"));
        AddressSpace old = c.createAddressSpace(0, 2L << 20);
        SimMachine first = c.currentMachine();

        c.modified(config(small(true)));
        assertSame(first, c.currentMachine(), "an unchanged configuration keeps the machine");

        c.modified(config(small(false)));
        assertFalse(c.isActive());
        assertErrno(Errno.ESTALE, "backend sim is not active", () -> c.framePool(0));
        assertErrno(Errno.ESTALE, () -> old.getByte(old.base()));
        assertEquals("sim", c.info().id(), "info stays readable while inactive");

        c.modified(config(small(true)));
        assertTrue(c.isActive());
        assertNotSame(first, c.currentMachine(), "a fresh machine");
        assertTrue(old.isClosed(), "handles of the old machine stay stale");

        Map<String, Object> bigger = small(true);
        bigger.put("nodes", 2);
        SimMachine second = c.currentMachine();
        c.modified(config(bigger));
        assertEquals(2, c.nodeCount(), "a new shape builds a new machine");
        assertFalse(second.isActive());

        c.deactivate();
        assertFalse(c.isActive());
        assertErrno(Errno.ESTALE, () -> c.createAddressSpace(0, 2L << 20));
    }
}

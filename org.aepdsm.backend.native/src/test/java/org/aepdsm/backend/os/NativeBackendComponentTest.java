package org.aepdsm.backend.os;

import static org.aepdsm.testkit.Errors.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.util.Map;

import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.Capability;
import org.aepdsm.api.memory.FramePool;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.api.memory.Protection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The DS component without a framework: activation by aepdsm.active, staleness, and restarts. */
class NativeBackendComponentTest {
    private final NativeBackendComponent component = new NativeBackendComponent();

    @AfterEach
    void stop() {
        component.deactivate();
    }

    /** A config instance as SCR would make it, from property values over the annotation's defaults. */
    private static NativeBackendConfig config(Map<String, Object> values) {
        return (NativeBackendConfig) Proxy.newProxyInstance(NativeBackendConfig.class.getClassLoader(),
                new Class<?>[] {NativeBackendConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return NativeBackendConfig.class;
                    }
                    if (method.getDeclaringClass() == Object.class || method.getDeclaringClass() == Annotation.class) {
                        return switch (method.getName()) {
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == args[0];
                            default -> "NativeBackendConfig" + values;
                        };
                    }
                    return values.getOrDefault(method.getName(), method.getDefaultValue());
                });
    }

    @Test
    void inactiveByDefaultAndEveryCallIsStale() {
        component.activate(config(Map.of()));
        assertFalse(component.isActive());
        assertEquals("native", component.id());
        assertEquals(1, component.nodeCount());
        assertEquals("false", component.info().details().get("active"));
        assertErrno(Errno.ESTALE, "native", () -> component.framePool(0));
        assertErrno(Errno.ESTALE, () -> component.createAddressSpace(0, 2L << 20));
    }

    @Test
    void turningOffMakesObjectsStaleAndTurningOnMakesAFreshMachine() {
        component.activate(config(Map.of("aepdsm_active", true, "poolMiB", 16)));
        assertTrue(component.isActive());
        FramePool pool = component.framePool(0);
        assertEquals(16L << 20, pool.frameCount() * PageSize.FRAME_BYTES);
        assertTrue(component.info().has(Capability.SHARED_POOL));
        assertTrue(component.info().has(Capability.HUGE_PAGES_2M));
        AddressSpace space = component.createAddressSpace(0, 2L << 20);
        space.mapOnDemand(space.base(), 4096, PageSize.SIZE_4K, Protection.READ_WRITE);
        space.putLong(space.base(), 1);

        component.modified(config(Map.of("aepdsm_active", false, "poolMiB", 16)));
        assertFalse(component.isActive());
        assertErrno(Errno.ESTALE, () -> space.getLong(space.base()));
        assertErrno(Errno.ESTALE, () -> pool.allocate(0));

        component.modified(config(Map.of("aepdsm_active", true, "poolMiB", 16)));
        FramePool fresh = component.framePool(0);
        assertNotSame(pool, fresh);
        assertEquals(fresh.frameCount(), fresh.freeFrames());
        assertErrno(Errno.ESTALE, "not active", () -> pool.allocate(0));
    }

    @Test
    void aNewPoolSizeWhileActiveRebuildsTheMachine() {
        component.activate(config(Map.of("aepdsm_active", true, "poolMiB", 16)));
        FramePool pool = component.framePool(0);
        component.modified(config(Map.of("aepdsm_active", true, "poolMiB", 32)));
        assertEquals(32L << 20, component.framePool(0).frameCount() * PageSize.FRAME_BYTES);
        assertErrno(Errno.ESTALE, () -> pool.allocate(0));
    }

    @Test
    void deactivationShutsTheMachineDown() {
        component.activate(config(Map.of("aepdsm_active", true, "poolMiB", 16)));
        FramePool pool = component.framePool(0);
        component.deactivate();
        assertFalse(component.isActive());
        assertErrno(Errno.ESTALE, () -> pool.freeFrames());
    }
}

package org.aepdsm.backend.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.aepdsm.api.memory.BackendInfo;
import org.aepdsm.api.memory.Capability;
import org.junit.jupiter.api.Test;

/** An inactive native backend describes what it would offer, the same way an active one does. */
class StandbyInfoTest {
    @Test
    void standbyCapabilitiesMatchThoseOfAnActiveMachine() {
        NativeMachine.Settings settings = new NativeMachine.Settings(4L << 20, java.nio.file.Path.of("/dev/shm"));
        BackendInfo standby = NativeMachine.standbyInfo(settings);
        NativeMachine machine = new NativeMachine(settings);
        try {
            BackendInfo active = machine.info();
            assertEquals(active.capabilities(), standby.capabilities());
            assertEquals(active.isolation(), standby.isolation());
            assertTrue(standby.has(Capability.SHARED_POOL));
            assertEquals("1024", standby.details().get("poolFrames"));
            assertEquals("false", standby.details().get("active"));
        } finally {
            machine.shutdown();
        }
    }
}

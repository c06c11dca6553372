package org.aepdsm.mmview;

import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.backend.sim.MachineConfig;
import org.aepdsm.backend.sim.SimMachine;

/** The view stress test on the simulated backend. */
class SimViewStressTest extends ViewStress {
    @Override
    protected MemoryBackend createBackend() {
        return new SimMachine(MachineConfig.of(1, 64, 8));
    }

    @Override
    protected void shutdown(MemoryBackend b) {
        ((SimMachine) b).shutdown();
    }
}

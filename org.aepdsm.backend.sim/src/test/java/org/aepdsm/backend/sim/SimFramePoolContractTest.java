package org.aepdsm.backend.sim;

import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.testkit.FramePoolContract;

/** The frame-pool contract on a one-node machine of 64 MiB. */
class SimFramePoolContractTest extends FramePoolContract {
    @Override
    protected MemoryBackend createBackend() {
        return new SimMachine(MachineConfig.of(1, 64, 8));
    }

    @Override
    protected void deactivate(MemoryBackend backend) {
        ((SimMachine) backend).shutdown();
    }
}

package org.aepdsm.backend.os;

import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.testkit.FramePoolContract;

/** The frame pool contract on the memfd pool of a 64 MiB native machine. */
class NativeFramePoolContractTest extends FramePoolContract {
    @Override
    protected MemoryBackend createBackend() {
        return TestMachines.small();
    }

    @Override
    protected void deactivate(MemoryBackend backend) {
        ((NativeMachine) backend).shutdown();
    }
}

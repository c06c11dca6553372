package org.aepdsm.backend.os;

import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.testkit.AddressSpaceContract;

/** The address space contract on reserved ranges of this process, backed by a 64 MiB memfd pool. */
class NativeAddressSpaceContractTest extends AddressSpaceContract {
    @Override
    protected MemoryBackend createBackend() {
        return TestMachines.small();
    }

    @Override
    protected void deactivate(MemoryBackend backend) {
        ((NativeMachine) backend).shutdown();
    }
}

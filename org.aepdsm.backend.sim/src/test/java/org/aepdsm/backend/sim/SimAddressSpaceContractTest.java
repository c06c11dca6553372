package org.aepdsm.backend.sim;

import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.testkit.AddressSpaceContract;

/** The address-space contract on a two-node machine of 64 MiB per node. */
class SimAddressSpaceContractTest extends AddressSpaceContract {
    @Override
    protected MemoryBackend createBackend() {
        return new SimMachine(MachineConfig.of(2, 64, 8));
    }

    @Override
    protected void deactivate(MemoryBackend backend) {
        ((SimMachine) backend).shutdown();
    }
}

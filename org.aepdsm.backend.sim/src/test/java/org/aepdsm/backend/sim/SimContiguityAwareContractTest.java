package org.aepdsm.backend.sim;

import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.api.paging.PlacementPolicy;
import org.aepdsm.testkit.AddressSpaceContract;
import org.junit.jupiter.api.BeforeEach;

/** The address-space contract with contiguity-aware placement on for both spaces of every test. */
class SimContiguityAwareContractTest extends AddressSpaceContract {
    @Override
    protected MemoryBackend createBackend() {
        return new SimMachine(MachineConfig.of(2, 64, 8));
    }

    @Override
    protected void deactivate(MemoryBackend backend) {
        ((SimMachine) backend).shutdown();
    }

    @BeforeEach
    void contiguityAware() {
        a.setPlacementPolicy(PlacementPolicy.CONTIGUITY_AWARE);
        b.setPlacementPolicy(PlacementPolicy.CONTIGUITY_AWARE);
    }
}

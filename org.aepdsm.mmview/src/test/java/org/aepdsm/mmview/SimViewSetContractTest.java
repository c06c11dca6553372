package org.aepdsm.mmview;

import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.api.memory.ViewableSpace;
import org.aepdsm.api.view.ViewSet;
import org.aepdsm.backend.sim.MachineConfig;
import org.aepdsm.backend.sim.SimMachine;
import org.aepdsm.testkit.ViewSetContract;

/** The view-set contract on the simulated backend (one node of 64 MiB). */
class SimViewSetContractTest extends ViewSetContract {
    @Override
    protected MemoryBackend createBackend() {
        return new SimMachine(MachineConfig.of(1, 64, 8));
    }

    @Override
    protected void deactivate(MemoryBackend backend) {
        ((SimMachine) backend).shutdown();
    }

    @Override
    protected ViewSet viewSetOf(ViewableSpace base) {
        return new SpaceViews(base, false);
    }

    @Override
    protected void closeViewSet(ViewSet set) {
        ((SpaceViews) set).close();
    }
}

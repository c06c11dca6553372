package org.aepdsm.paging.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.FramePool;
import org.aepdsm.api.paging.PlacementPolicy;
import org.aepdsm.backend.sim.MachineConfig;
import org.aepdsm.backend.sim.SimMachine;
import org.aepdsm.paging.collect.PageCollect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The workloads on a small simulated machine: what they map, what they replay, and that they give everything back. */
class WorkloadTest {
    private final SimMachine machine = new SimMachine(MachineConfig.of(1, 64, 8));
    private final FramePool pool = machine.framePool(0);

    @AfterEach
    void shutdown() {
        machine.shutdown();
    }

    private Workload.WorkingSet runAndRelease(Workload w, long[] present) {
        long free = pool.freeFrames();
        Workload.WorkingSet ws;
        try (AddressSpace space = machine.createAddressSpace(0, 1L << 30)) {
            space.setPlacementPolicy(PlacementPolicy.CONTIGUITY_AWARE);
            ws = w.run(space, pool, 42);
            present[0] = space.pageMap().presentPages();
            for (long a : ws.replay().toArray()) {
                assertTrue(space.translate(a).isPresent(), w.name() + ": replayed address 0x" + Long.toHexString(a)
                        + " is present");
            }
        }
        ws.release().run();
        assertEquals(free, pool.freeFrames(), w.name() + " gave back every frame (seed 42)");
        return ws;
    }

    @Test
    void fragmentFaultsAQuarterOfThePoolIntoOneVma() {
        long[] present = new long[1];
        Workload.WorkingSet ws = runAndRelease(new FragmentWorkload(), present);
        long frames = pool.frameCount();
        assertEquals(frames / 4, present[0]);
        assertEquals(2 * frames / 4, ws.replay().size(), "two sweeps");
    }

    @Test
    void pagerankAndKvTouchAboutTwoFifthsOfThePool() {
        for (Workload w : new Workload[] {new PageRankWorkload(), new KeyValueWorkload()}) {
            long[] present = new long[1];
            Workload.WorkingSet ws = runAndRelease(w, present);
            long frames = pool.frameCount();
            assertTrue(present[0] > frames / 4 && present[0] <= frames / 2, w.name() + ": " + present[0] + " pages");
            assertTrue(ws.replay().size() > present[0], w.name() + " replays more accesses than it has pages");
        }
    }

    @Test
    void theSameSeedGivesTheSameComparison() {
        PlacementComparison c = new PlacementComparison(new PageCollect());
        PlacementComparison.Result one = c.compare(machine, new KeyValueWorkload(), 3);
        PlacementComparison.Result two = c.compare(machine, new KeyValueWorkload(), 3);
        assertEquals(one.buddy().report().kinds(), two.buddy().report().kinds(), "seed 3");
        assertEquals(one.ca().report().kinds(), two.ca().report().kinds(), "seed 3");
        assertEquals(one.ca().rangeTlbMisses(), two.ca().rangeTlbMisses(), "seed 3");
        assertEquals(PlacementPolicy.CONTIGUITY_AWARE, one.ca().policy());
        assertTrue(machine.addressSpaces().isEmpty(), "the comparison closed its spaces");
    }
}

package org.aepdsm.mmview;

import java.nio.file.Path;

import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.backend.os.NativeMachine;
import org.aepdsm.backend.sim.MachineConfig;
import org.aepdsm.backend.sim.SimMachine;

/**
 * Runs {@link ViewBench} outside the framework on a machine big enough to make 1 GiB present and copy
 * it: {@code ViewBenchMain <sim|native> <pool MiB>}. A benchmark, not a test.
 */
public final class ViewBenchMain {
    private ViewBenchMain() {
    }

    public static void main(String[] args) {
        String which = args.length > 0 ? args[0] : "sim";
        long poolMiB = args.length > 1 ? Long.parseLong(args[1]) : 2560;
        MemoryBackend b = which.equals("native")
                ? new NativeMachine(new NativeMachine.Settings(poolMiB << 20, Path.of("/dev/shm")))
                : new SimMachine(MachineConfig.of(1, poolMiB, 8));
        try {
            System.out.println(new ViewBench(b).run(ViewBench.DEFAULT_SIZES, 1L << 30));
        } finally {
            if (b instanceof SimMachine s) {
                s.shutdown();
            } else {
                ((NativeMachine) b).shutdown();
            }
        }
    }
}

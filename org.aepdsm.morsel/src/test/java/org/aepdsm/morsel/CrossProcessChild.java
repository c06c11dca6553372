package org.aepdsm.morsel;

import java.nio.file.Path;

import org.aepdsm.api.memory.SubtreeExport;
import org.aepdsm.backend.os.NativeMachine;

/**
 * The importing process of {@link NativeEvaluationMain}'s cross-process comparison: {@code
 * CrossProcessChild <handle> <repetitions>} attaches the parent's export in a machine of its own (a
 * pool large enough for the copy), measures it with {@link CrossProcessEvaluation#measure} and prints
 * one line {@code row <size> <runs> <attachNs> <mapNs> <copyNs> <populateNs>} (copy -1 when its frames
 * could not be had). A benchmark helper, not a test.
 */
public final class CrossProcessChild {
    private CrossProcessChild() {
    }

    public static void main(String[] args) {
        SubtreeExport export = SubtreeExport.parse(args[0]);
        int reps = Integer.parseInt(args[1]);
        long pool = ByteSize.roundUpTo2M(export.size()) + (4L << 20);
        NativeMachine machine = new NativeMachine(new NativeMachine.Settings(pool, Path.of("/dev/shm")));
        try {
            CrossProcessEvaluation.Row r = new CrossProcessEvaluation(machine, 0).measure(export, reps);
            System.out.println("row " + r.size() + " " + r.runs() + " " + r.attachNs() + " " + r.mapNs() + " "
                    + r.copyNs() + " " + r.populateNs() + " " + ProcessHandle.current().pid());
        } finally {
            machine.shutdown();
        }
    }
}

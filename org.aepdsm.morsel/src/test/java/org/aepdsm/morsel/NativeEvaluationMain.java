package org.aepdsm.morsel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.aepdsm.backend.os.NativeMachine;

/**
 * The morsel evaluation on the real machine with a pool large enough for big objects (a benchmark
 * program, not a test): {@code java ... NativeEvaluationMain [largest] [pool] [png]}, defaults 2G,
 * 10G and {@code target/morsel-eval-native.png}. The paper's 6.82 GiB case is added when the pool
 * holds it. Objects are touched once before they are mapped (a loaded model), so the page-by-page
 * side measures {@code MAP_POPULATE}'s page-table work, not page allocation.
 */
public final class NativeEvaluationMain {
    private NativeEvaluationMain() {
    }

    public static void main(String[] args) {
        long largest = ByteSize.parse(args.length > 0 ? args[0] : "2G");
        long pool = ByteSize.parse(args.length > 1 ? args[1] : "10G");
        Path png = Path.of(args.length > 2 ? args[2] : "target/morsel-eval-native.png");
        NativeMachine machine = new NativeMachine(new NativeMachine.Settings(pool,
                NativeMachine.Settings.defaults().shmDirectory()));
        try {
            List<Long> sizes = new ArrayList<>(MorselEvaluation.defaultSizes(largest));
            if (!sizes.contains(MorselEvaluation.HEADLINE_BYTES) && MorselEvaluation.HEADLINE_BYTES <= pool) {
                sizes.add(MorselEvaluation.HEADLINE_BYTES);
            }
            List<MorselEvaluation.Row> rows = new MorselEvaluation(machine, 0, System.err::println).run(sizes);
            System.out.print(EvalReport.table("native", rows));
            System.out.println("chart: " + EvalReport.chart("native", rows, png).toAbsolutePath());
        } finally {
            machine.shutdown();
        }
    }
}

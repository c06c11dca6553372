package org.aepdsm.morsel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.aepdsm.api.memory.Protection;
import org.aepdsm.api.memory.SubtreeExport;
import org.aepdsm.api.memory.SubtreeSet;
import org.aepdsm.backend.os.NativeMachine;

/**
 * The morsel evaluation on the real machine with a pool large enough for big objects (a benchmark
 * program, not a test): {@code java ... NativeEvaluationMain [largest] [pool] [png]}, defaults 2G,
 * 10G and {@code target/morsel-eval-native.png}. The paper's 6.82 GiB case is added when the pool
 * holds it. Objects are touched once before they are mapped (a loaded model), so the page-by-page
 * side measures {@code MAP_POPULATE}'s page-table work, not page allocation.
 *
 * <p>Then the cross-process comparison: for 2 MiB, 64 MiB, 1 GiB and the headline size, this process
 * builds, touches and exports the object and a second JVM ({@link CrossProcessChild}) attaches it and
 * measures one mmap against allocate + copy and against MAP_POPULATE.
 */
public final class NativeEvaluationMain {
    private NativeEvaluationMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
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
            System.out.print(crossProcess(machine, CrossProcessEvaluation.defaultSizes(pool)));
        } finally {
            machine.shutdown();
        }
    }

    private static String crossProcess(NativeMachine machine, List<Long> sizes)
            throws IOException, InterruptedException {
        List<CrossProcessEvaluation.Row> rows = new ArrayList<>();
        long child = -1;
        for (long size : sizes) {
            SubtreeSet set = machine.subtrees().orElseThrow().build(0, size, Protection.READ_WRITE);
            try {
                CrossProcessEvaluation.touch(machine.framePool(0), set);
                SubtreeExport export = set.export();
                String line = runChild(export.handle(), CrossProcessEvaluation.repetitions(size));
                String[] f = line.trim().split(" ");
                rows.add(new CrossProcessEvaluation.Row(Long.parseLong(f[1]), null, Long.parseLong(f[2]),
                        Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]), null));
                child = Long.parseLong(f[7]);
                System.err.println(ByteSize.format(size) + ": imported by process " + child);
                set.unexport();
            } finally {
                set.close();
            }
        }
        return CrossProcessEvaluation.table("native", "exported by process " + ProcessHandle.current().pid()
                + ", attached by a second JVM, process " + child + " for the last size", rows);
    }

    private static String runChild(String handle, int reps) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), CrossProcessChild.class.getName(), handle,
                String.valueOf(reps)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        String row = out.lines().filter(l -> l.startsWith("row ")).findFirst().orElse(null);
        if (code != 0 || row == null) {
            throw new IllegalStateException("the importing JVM exited " + code + ": " + out);
        }
        return row;
    }
}

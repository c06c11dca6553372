package org.aepdsm.bench.command;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.bench.BenchRunner;
import org.aepdsm.bench.BenchmarkKind;
import org.aepdsm.bench.Figure;
import org.aepdsm.bench.RunReport;

/**
 * {@code aep:bench <name> <args...>} without a framework: turns the shell's words into a run of one benchmark
 * (peers off unless {@code --peers}) or of the suite (peers on unless {@code --no-peers}); the lines go to the
 * given stream as they come, and a short summary is returned.
 *
 * <p>Thread-safe as the runner is; runs are meant to go one at a time.
 */
public final class BenchCommand {
    /** What {@code aep:bench} with no words prints. */
    public static final String HELP = "usage: aep:bench <" + BenchmarkKind.names().replace(", ", "|")
            + "|suite> [args...] [--entry=0xADDR] [--skip-init] [--direct] [--peers|--no-peers] [--out=DIR]\n"
            + "  the seed's runs: aep:bench suite   (threadtest 16 1000 100000 0 8; kv 16 9 1000000;\n"
            + "  transfer_bench 100000 64 10 --mode=all; serverless_chain 100000 64 10; pagerank 4 4096 4 5 8)";

    private final BenchRunner runner;

    /** @param runner runs the benchmarks */
    public BenchCommand(BenchRunner runner) {
        this.runner = runner;
    }

    /**
     * Runs what the words say.
     *
     * @param words the benchmark name (or {@code suite}) and its arguments, as the shell passes them
     * @throws AepException EINVAL for a missing or unknown name or bad arguments (the original's messages), or
     *                      what the run raised
     */
    public String bench(PrintStream out, Object... words) {
        List<String> w = new ArrayList<>();
        for (Object o : words == null ? new Object[0] : words) {
            w.add(String.valueOf(o));
        }
        if (w.isEmpty()) {
            throw new AepException(Errno.EINVAL, "no benchmark named; " + HELP);
        }
        String name = w.getFirst();
        List<String> args = w.subList(1, w.size());
        if (name.equals("suite")) {
            List<RunReport> reports = runner.suite(args, out);
            StringBuilder b = new StringBuilder("suite: ").append(reports.size()).append(" benchmarks ran");
            for (RunReport r : reports) {
                b.append("; ").append(headline(r));
            }
            return b.toString();
        }
        if (name.equals("help") || name.equals("--help")) {
            return HELP;
        }
        RunReport r = runner.run(name, args, false, out);
        return headline(r) + " (results " + r.json() + ")";
    }

    private static String headline(RunReport r) {
        Figure h = r.ours().headline();
        return String.format(Locale.ROOT, "%s %s = %.2f %s", r.benchmark(), h.name(), h.value(), h.unit());
    }
}

package org.aepdsm.bench.command;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.bench.BackendSwitch;
import org.aepdsm.bench.BackendTable;
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
            + "|suite> [args...] [--entry=0xADDR] [--skip-init] [--direct] [--peers|--no-peers] [--rounds=N] "
            + "[--out=DIR]\n"
            + "  --rounds=N   measure N times, ours then the peers each round; report medians and ours/peer by round\n"
            + "  aep:bench suite --backends=sim,native   (the suite once per backend, summaries side by side)\n"
            + "  aep:bench transfer_bench R S D --mode=single --processes 2   (receiver in a second OS process; "
            + "native backend)\n"
            + "  the seed's runs: aep:bench suite   (threadtest 16 1000 100000 0 8; kv 16 9 1000000;\n"
            + "  transfer_bench 100000 64 10 --mode=all; serverless_chain 100000 64 10; pagerank 4 4096 4 5 8)";

    /** The hidden benchmark name the child runtime of {@code transfer_bench --processes 2} runs. */
    public static final String RECEIVER = "transfer_receiver";

    private final BenchRunner runner;
    private final BackendSwitch backends;

    /** @param runner runs the benchmarks */
    public BenchCommand(BenchRunner runner) {
        this(runner, null);
    }

    /**
     * @param runner   runs the benchmarks
     * @param backends switches backends for {@code suite --backends=}; null when there is none
     */
    public BenchCommand(BenchRunner runner, BackendSwitch backends) {
        this.runner = runner;
        this.backends = backends;
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
        if (name.equals(RECEIVER)) {
            return runner.receive(args);
        }
        if (name.equals("suite") && args.stream().anyMatch(a -> a.startsWith("--backends"))) {
            return suiteByBackend(out, args);
        }
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

    /**
     * The backends of {@code --backends=a,b}: known ids, no repeats, at least one.
     *
     * @throws AepException EINVAL naming the bad value
     */
    static List<String> parseBackends(String option, Set<String> present) {
        if (!option.startsWith("--backends=") || option.length() == "--backends=".length()) {
            throw new AepException(Errno.EINVAL, "option '" + option + "' needs a list: --backends=sim,native");
        }
        List<String> ids = new ArrayList<>();
        for (String id : option.substring("--backends=".length()).split(",", -1)) {
            String t = id.strip();
            if (t.isEmpty()) {
                throw new AepException(Errno.EINVAL, "empty backend id in '" + option + "'");
            }
            if (!present.contains(t)) {
                throw new AepException(Errno.EINVAL, "unknown backend '" + t + "' in '" + option + "'; available: "
                        + String.join(", ", new TreeSet<>(present)));
            }
            if (ids.contains(t)) {
                throw new AepException(Errno.EINVAL, "backend '" + t + "' is listed twice in '" + option + "'");
            }
            ids.add(t);
        }
        return ids;
    }

    private String suiteByBackend(PrintStream out, List<String> args) {
        if (backends == null) {
            throw new AepException(Errno.EINVAL, "--backends needs the backend selection (configuration admin), "
                    + "which is not available here");
        }
        List<String> rest = new ArrayList<>();
        List<String> ids = null;
        for (String a : args) {
            if (a.startsWith("--backends")) {
                if (ids != null) {
                    throw new AepException(Errno.EINVAL, "--backends is given twice");
                }
                ids = parseBackends(a, backends.present());
            } else {
                rest.add(a);
            }
        }
        String original = backends.active();
        Map<String, List<RunReport>> byBackend = new LinkedHashMap<>();
        Map<String, String> failures = new LinkedHashMap<>();
        String requested = original;
        try {
            for (String id : ids) {
                out.println("##### backend " + id + " #####");
                out.flush();
                requested = id;
                backends.use(id);
                try {
                    byBackend.put(id, runner.suite(rest, out));
                } catch (AepException e) {
                    if (e.errno() == Errno.EINVAL) {
                        throw e;
                    }
                    failures.put(id, e.getMessage());
                    byBackend.put(id, List.of());
                    out.println("##### backend " + id + " FAILED: " + e.getMessage() + " #####");
                }
            }
        } finally {
            // A switch that failed half-way still left its selection in the configuration, so restore by request.
            if (original != null && !original.equals(requested)) {
                out.println("##### restoring backend " + original + " #####");
                out.flush();
                backends.use(original);
            }
        }
        out.print(BackendTable.format(byBackend));
        out.flush();
        if (!failures.isEmpty()) {
            throw new AepException(Errno.EIO, "suite --backends: failed on " + failures);
        }
        return "suite on " + String.join(", ", ids) + ": " + byBackend.values().stream().mapToInt(List::size).sum()
                + " benchmark runs" + (original == null ? "" : "; backend " + original + " is active again");
    }

    private static String headline(RunReport r) {
        Figure h = r.ours().headline();
        return String.format(Locale.ROOT, "%s %s = %.2f %s", r.benchmark(), h.name(), h.value(), h.unit());
    }
}

package org.aepdsm.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.api.memory.MemoryBackend;

/**
 * Runs benchmarks as the original programs run: the entry-mode lines, the benchmark's pre-INIT lines, INIT unless
 * {@code --skip-init}, the benchmark; then, if asked, its peers in a child JVM; that much {@code --rounds=N} times
 * (see {@link Rounds}); then the comparison lines on the medians, a JSON results file and a PNG chart.
 * {@link #suite} runs all five with the seed's arguments and prints a summary table.
 *
 * <p>Thread-safe: each call works on its own objects; two runs at once would share the allocator's clients, which
 * the benchmarks assume they own, so callers run one at a time.
 */
public final class BenchRunner {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS", Locale.ROOT);

    private final Supplier<List<EntryChoice.Candidate>> entries;
    private final PeerLauncher launcher;
    private final Path defaultOut;
    private final long progressMillis;

    /**
     * @param entries        the registered shadow entries, read at each run
     * @param launcher       runs peers and charts; null to run neither
     * @param defaultOut     the results directory unless {@code --out=} says otherwise
     * @param progressMillis period of progress lines during long phases; 0 for none
     */
    public BenchRunner(Supplier<List<EntryChoice.Candidate>> entries, PeerLauncher launcher, Path defaultOut,
            long progressMillis) {
        this.entries = entries;
        this.launcher = launcher;
        this.defaultOut = defaultOut;
        this.progressMillis = progressMillis;
    }

    /**
     * Runs one benchmark.
     *
     * @param peersByDefault whether peers run unless {@code --peers}/{@code --no-peers} says
     * @throws AepException EINVAL for bad arguments (the original's message), ENOENT for a missing entry, EIO when
     *                      a self-check fails, or the entry's errno
     */
    public RunReport run(String name, List<String> args, boolean peersByDefault, PrintStream out) {
        BenchmarkRun run = BenchmarkKind.named(name).parse(args);
        CommonOptions o = run.options();
        List<EntryChoice.Candidate> candidates = entries.get();
        ShadowEntry entry = EntryChoice.select(candidates, o.direct(), o.entry());
        int rounds = o.rounds();
        boolean withPeers = o.peers(peersByDefault);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream tee = new PrintStream(new Tee(out, captured), true, StandardCharsets.UTF_8);
        List<Measurement> oursByRound = new ArrayList<>();
        List<List<PeerResult>> peersByRound = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            if (round > 1) {
                run = BenchmarkKind.named(name).parse(args);
            }
            if (rounds > 1) {
                out.println(String.format(Locale.ROOT, "=== round %d/%d of %s ===", round, rounds, name));
                out.flush();
            }
            oursByRound.add(measure(run, candidates, entry, tee, out));
            if (withPeers) {
                peersByRound.add(peers(name, run, out));
            }
        }
        List<String> output = captured.toString(StandardCharsets.UTF_8).lines().toList();
        Measurement ours = Rounds.ours(oursByRound);
        List<PeerResult> peers = withPeers ? Rounds.peers(peersByRound) : List.of();
        if (withPeers) {
            printComparisons(out, ours, peers, oursByRound, peersByRound);
        } else if (rounds > 1) {
            printMedians(out, oursByRound);
        }
        Path dir = Path.of(o.out() != null ? o.out() : defaultOut.toString());
        String stamp = LocalDateTime.now(ZoneOffset.UTC).format(STAMP);
        Path json = dir.resolve(name + "-" + stamp + ".json");
        Path png = dir.resolve(name + "-" + stamp + ".png");
        String chartProblem = drawChart(png, name, ours, peers);
        if (chartProblem != null) {
            png = null;
        }
        RunReport report = new RunReport(name, args, Modes.of(entry), ours, peers, json, png, output, oursByRound,
                peersByRound);
        writeJson(report, entry, chartProblem);
        out.println("results: " + json);
        out.println(png != null ? "chart: " + png : "chart: unavailable (" + chartProblem + ")");
        out.flush();
        return report;
    }

    /** One round of ours: the entry lines, the lines before INIT, INIT unless skipped, the benchmark. */
    private Measurement measure(BenchmarkRun run, List<EntryChoice.Candidate> candidates, ShadowEntry entry,
            PrintStream tee, PrintStream out) {
        if (run instanceof TransferBench t && t.processes() > 1) {
            Map<String, Object> props = candidates.stream().filter(c -> c.entry() == entry).findFirst()
                    .map(EntryChoice.Candidate::properties).orElse(Map.of());
            t.placeOn(props, RuntimeChild::runtimeCommand);
        }
        try (Progress progress = new Progress(out, progressMillis)) {
            tee.println("AEP-DSM entry mode = " + Modes.of(entry));
            if (!entry.direct()) {
                tee.println("AEP shadow entry = 0x" + Long.toHexString(entry.address()));
            }
            run.beforeInit(tee);
            tee.flush();
            if (!run.options().skipInit()) {
                new EntryCalls(entry).init();
            }
            Measurement m = run.run(entry, tee, progress);
            tee.flush();
            return m;
        }
    }

    /** One round of the peers, in a child JVM with the run's arguments. */
    private List<PeerResult> peers(String name, BenchmarkRun run, PrintStream out) {
        if (launcher == null) {
            return List.of(new PeerResult("peer-jvm", List.of(), "no peer launcher configured"));
        }
        out.println("peers: measuring " + name + "'s peers in a child JVM with the same arguments...");
        out.flush();
        return launcher.peers(name, run.peerArgs(), out);
    }

    /**
     * The receiver side of {@code transfer_bench --processes 2}, run in the child runtime:
     * {@code transfer_receiver <hops> <object_size> --src=N --dst=N --pool=NAME --tcp-port=P}. Waits for the entry
     * over that pool on the native backend, never INITs (the sender's process formatted the pool).
     *
     * @throws AepException EINVAL for bad arguments, EBUSY when the entry does not come, EIO when the run fails
     */
    public String receive(List<String> args) {
        long hops = -1;
        long size = -1;
        long src = -1;
        long dst = -1;
        long port = -1;
        String pool = null;
        for (String a : args) {
            if (a.startsWith("--src=")) {
                src = CArgs.strtoul(a.substring(6), "src");
            } else if (a.startsWith("--dst=")) {
                dst = CArgs.strtoul(a.substring(6), "dst");
            } else if (a.startsWith("--pool=") && a.length() > 7) {
                pool = a.substring(7);
            } else if (a.startsWith("--tcp-port=")) {
                port = CArgs.strtoul(a.substring(11), "tcp-port");
            } else if (hops < 0 && !a.startsWith("-")) {
                hops = CArgs.strtoul(a, "hops");
            } else if (size < 0 && !a.startsWith("-")) {
                size = CArgs.strtoul(a, "object_size");
            } else {
                throw CArgs.refuse("usage: transfer_receiver <hops> <object_size> --src=N --dst=N --pool=NAME "
                        + "--tcp-port=P (unexpected '" + a + "')");
            }
        }
        if (hops <= 0 || hops > Integer.MAX_VALUE || size <= 0 || src <= 0 || dst <= 0 || src == dst
                || src > Integer.MAX_VALUE || dst > Integer.MAX_VALUE || pool == null || port <= 0 || port > 65535) {
            throw CArgs.refuse("usage: transfer_receiver <hops> <object_size> --src=N --dst=N --pool=NAME "
                    + "--tcp-port=P (got " + String.join(" ", args) + ")");
        }
        ShadowEntry entry = awaitEntry("native", pool, Duration.ofSeconds(60));
        return CrossProcessTransfer.receive(entry, (int) hops, size, (int) src, (int) dst, (int) port);
    }

    /**
     * Waits, within {@code timeout}, for a registered non-direct entry on {@code backend} (and over {@code pool},
     * unless null).
     *
     * @throws AepException EBUSY when none comes in time
     */
    public ShadowEntry awaitEntry(String backend, String pool, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (EntryChoice.Candidate c : entries.get()) {
                if (!c.isDirect() && backend.equals(String.valueOf(c.properties().get(MemoryBackend.ID_PROPERTY)))
                        && (pool == null || pool.equals(String.valueOf(c.properties().get(
                                TransferBench.POOL_PROPERTY))))) {
                    return c.entry();
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AepException(Errno.EBUSY, "no shadow entry on backend " + backend
                        + (pool == null ? "" : " over pool " + pool) + " within " + timeout.toSeconds() + " s");
            }
            try {
                TimeUnit.MILLISECONDS.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AepException(Errno.EBUSY, "interrupted while waiting for an entry on backend " + backend);
            }
        }
    }

    /**
     * Runs the five benchmarks with the seed's arguments (plus {@code extra} options for each), peers on unless
     * {@code --no-peers}, then prints the summary table and writes {@code suite-<time>.json}.
     *
     * @throws AepException EIO naming the benchmarks that failed, after the others have run
     */
    public List<RunReport> suite(List<String> extra, PrintStream out) {
        return suite(extra, out, java.util.Arrays.stream(BenchmarkKind.values()).map(BenchmarkKind::seedArgs)
                .toList());
    }

    /**
     * As {@link #suite(List, PrintStream)} with other arguments for each benchmark, in {@link BenchmarkKind}
     * order (smaller runs of the same suite).
     */
    public List<RunReport> suite(List<String> extra, PrintStream out, List<List<String>> argsPerBenchmark) {
        List<RunReport> reports = new ArrayList<>();
        Map<String, String> failures = new LinkedHashMap<>();
        BenchmarkKind[] kinds = BenchmarkKind.values();
        for (int i = 0; i < kinds.length; i++) {
            BenchmarkKind k = kinds[i];
            List<String> args = new ArrayList<>(argsPerBenchmark.get(i));
            args.addAll(extra);
            out.println(String.format(Locale.ROOT, "=== [%d/%d] %s %s ===", i + 1, kinds.length, k.programName(),
                    String.join(" ", args)));
            out.flush();
            long t0 = System.nanoTime();
            try {
                reports.add(run(k.programName(), args, true, out));
                out.println(String.format(Locale.ROOT, "=== %s done in %.1f s ===", k.programName(),
                        (System.nanoTime() - t0) / 1e9));
            } catch (AepException e) {
                if (e.errno() == Errno.EINVAL || e.errno() == Errno.ENOENT) {
                    throw e;
                }
                failures.put(k.programName(), e.getMessage());
                out.println("=== " + k.programName() + " FAILED: " + e.getMessage() + " ===");
            }
            out.flush();
        }
        String table = summary(reports);
        out.print(table);
        out.flush();
        Path dir = defaultOut;
        for (String a : extra) {
            if (a.startsWith("--out=") && a.length() > 6) {
                dir = Path.of(a.substring(6));
            }
        }
        writeSuiteJson(dir, reports, failures);
        if (!failures.isEmpty()) {
            throw new AepException(Errno.EIO, "suite: " + failures.size() + " benchmark(s) failed: " + failures);
        }
        return reports;
    }

    /**
     * The summary table: one row per benchmark and peer, on the headline figure. When some run had several rounds,
     * a {@code paired} column holds the median of its ratios paired round by round.
     */
    public static String summary(List<RunReport> reports) {
        boolean paired = reports.stream().anyMatch(r -> r.rounds() > 1);
        StringBuilder b = new StringBuilder();
        b.append("\n=== summary ===\n");
        String row = "%-17s %-28s %-15s %16s  %-28s %16s  %10s  " + (paired ? "%10s  " : "%s") + "%s%n";
        b.append(String.format(Locale.ROOT, row, "benchmark", "figure", "unit", "ours", "peer", "peer value",
                "ours/peer", paired ? "paired" : "", "better"));
        for (RunReport r : reports) {
            Figure h = r.ours().headline();
            String dir = h.higherIsBetter() ? "higher" : "lower";
            List<PeerResult> peers = r.peers();
            if (peers.isEmpty()) {
                b.append(String.format(Locale.ROOT, row, r.benchmark(), h.name(), h.unit(), fmt(h.value()), "-",
                        "-", "-", paired ? "-" : "", dir + " is better"));
            }
            for (PeerResult p : peers) {
                Figure g = p.figure(h.name());
                if (g == null) {
                    b.append(String.format(Locale.ROOT, row, r.benchmark(), h.name(), h.unit(), fmt(h.value()),
                            p.peer(), "n/a", "-", paired ? "-" : "",
                            p.available() ? "no such figure" : "unavailable: " + p.reason()));
                } else {
                    Comparison c = new Comparison(h.name(), h.unit(), p.peer(), h.value(), g.value(),
                            h.higherIsBetter());
                    List<Double> byRound = r.pairedRatios(h.name(), p.peer());
                    String median = !paired ? "" : r.rounds() > 1 && !byRound.isEmpty()
                            ? String.format(Locale.ROOT, "%.3f", Rounds.median(byRound)) : "-";
                    b.append(String.format(Locale.ROOT, row, r.benchmark(), h.name(), h.unit(), fmt(h.value()),
                            p.peer(), fmt(g.value()), String.format(Locale.ROOT, "%.3f", c.ratio()), median,
                            (c.oursBetter() ? "ours" : "peer") + " (" + dir + " is better)"));
                }
            }
        }
        return b.toString();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static void printComparisons(PrintStream out, Measurement ours, List<PeerResult> peers,
            List<Measurement> oursByRound, List<List<PeerResult>> peersByRound) {
        int rounds = oursByRound.size();
        out.println(rounds > 1 ? "=== peers (median of " + rounds + " rounds, each ours then the peers) ==="
                : "=== peers (same run) ===");
        for (Figure f : ours.figures()) {
            List<Comparison> cs = Comparison.of(new Measurement(List.of(f)), peers);
            if (cs.isEmpty()) {
                continue;
            }
            out.println(String.format(Locale.ROOT, "  %s (%s, %s is better)", f.name(), f.unit(),
                    f.higherIsBetter() ? "higher" : "lower"));
            out.println(String.format(Locale.ROOT, "    %-28s %16.2f %s", "ours (AEP-DSM)", f.value(), f.unit()));
            for (Comparison c : cs) {
                out.println("    " + c.describe());
                List<Double> paired = Rounds.ratios(f.name(), c.peer(), oursByRound, peersByRound);
                if (rounds > 1 && !paired.isEmpty()) {
                    out.println(String.format(Locale.ROOT, "      ours/peer by round: %s (median %.3f)", fmt3(paired),
                            Rounds.median(paired)));
                }
            }
        }
        for (PeerResult p : peers) {
            if (!p.available()) {
                out.println("  " + p.peer() + ": unavailable (" + p.reason() + ")");
            }
        }
        out.flush();
    }

    /** Without peers, several rounds: each figure's median and its values by round. */
    private static void printMedians(PrintStream out, List<Measurement> oursByRound) {
        out.println("=== ours (median of " + oursByRound.size() + " rounds) ===");
        for (Figure f : Rounds.ours(oursByRound).figures()) {
            List<Double> values = Rounds.values(f.name(), oursByRound);
            out.println(String.format(Locale.ROOT, "  %s = %s %s (by round: %s)", f.name(), fine(f.value()), f.unit(),
                    String.join(" ", values.stream().map(BenchRunner::fine).toList())));
        }
        out.flush();
    }

    /** Two decimals, or six below 1 (seconds of a short run). */
    private static String fine(double v) {
        return String.format(Locale.ROOT, Math.abs(v) >= 1 ? "%.2f" : "%.6f", v);
    }

    private static String fmt3(List<Double> values) {
        return String.join(" ", values.stream().map(v -> String.format(Locale.ROOT, "%.3f", v)).toList());
    }

    private String drawChart(Path png, String name, Measurement ours, List<PeerResult> peers) {
        if (launcher == null) {
            return "no chart launcher configured";
        }
        try {
            Files.createDirectories(png.getParent());
        } catch (IOException e) {
            return "cannot create " + png.getParent() + ": " + e.getMessage();
        }
        Figure h = ours.headline();
        Map<String, Double> bars = new LinkedHashMap<>();
        bars.put("AEP-DSM (ours)", h.value());
        for (PeerResult p : peers) {
            Figure g = p.figure(h.name());
            if (g != null) {
                bars.put(p.peer(), g.value());
            }
        }
        String title = name + ": " + h.name() + " (" + (h.higherIsBetter() ? "higher" : "lower") + " is better)";
        return launcher.chart(png, title, h.unit(), bars);
    }

    private static Map<String, Object> figureJson(Figure f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", f.name());
        m.put("value", f.value());
        m.put("unit", f.unit());
        m.put("better", f.higherIsBetter() ? "higher" : "lower");
        return m;
    }

    private static List<Object> peersJson(List<PeerResult> peers) {
        List<Object> out = new ArrayList<>();
        for (PeerResult p : peers) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("peer", p.peer());
            pm.put("available", p.available());
            if (p.available()) {
                pm.put("figures", p.figures().stream().map(BenchRunner::figureJson).toList());
            } else {
                pm.put("reason", p.reason());
            }
            out.add(pm);
        }
        return out;
    }

    private static void writeJson(RunReport r, ShadowEntry entry, String chartProblem) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("benchmark", r.benchmark());
        m.put("args", r.args());
        m.put("command", (r.benchmark() + " " + String.join(" ", r.args())).strip());
        m.put("timestamp", LocalDateTime.now(ZoneOffset.UTC).toString() + "Z");
        m.put("entryMode", r.mode());
        m.put("entryAddress", "0x" + Long.toHexString(entry.address()));
        m.put("machine", machine());
        int rounds = r.rounds();
        m.put("rounds", rounds);
        m.put("figures", r.ours().figures().stream().map(BenchRunner::figureJson).toList());
        m.put("peers", peersJson(r.peers()));
        List<Object> ratios = new ArrayList<>();
        for (Comparison c : Comparison.of(r.ours(), r.peers())) {
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("figure", c.figure());
            cm.put("unit", c.unit());
            cm.put("peer", c.peer());
            cm.put("ours", c.ours());
            cm.put("peerValue", c.theirs());
            cm.put("oursOverPeer", c.ratio());
            cm.put("better", c.higherIsBetter() ? "higher" : "lower");
            cm.put("oursBetter", c.oursBetter());
            List<Double> paired = r.pairedRatios(c.figure(), c.peer());
            if (rounds > 1 && !paired.isEmpty()) {
                cm.put("oursOverPeerByRound", paired);
                cm.put("medianOursOverPeerByRound", Rounds.median(paired));
            }
            ratios.add(cm);
        }
        m.put("ratios", ratios);
        if (rounds > 1) {
            List<Object> byRound = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                Map<String, Object> rm = new LinkedHashMap<>();
                rm.put("round", i + 1);
                rm.put("figures", r.oursByRound().get(i).figures().stream().map(BenchRunner::figureJson).toList());
                rm.put("peers", i < r.peersByRound().size() ? peersJson(r.peersByRound().get(i)) : List.of());
                byRound.add(rm);
            }
            m.put("byRound", byRound);
        }
        m.put("chart", r.png() == null ? null : r.png().getFileName().toString());
        if (chartProblem != null) {
            m.put("chartUnavailable", chartProblem);
        }
        m.put("output", r.output());
        write(r.json(), Json.write(m));
    }

    private static void writeSuiteJson(Path dir, List<RunReport> reports, Map<String, String> failures) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("suite", "seed");
        m.put("timestamp", LocalDateTime.now(ZoneOffset.UTC).toString() + "Z");
        m.put("machine", machine());
        List<Object> runs = new ArrayList<>();
        for (RunReport r : reports) {
            Map<String, Object> rm = new LinkedHashMap<>();
            rm.put("benchmark", r.benchmark());
            rm.put("args", r.args());
            rm.put("headline", figureJson(r.ours().headline()));
            rm.put("results", r.json().getFileName().toString());
            rm.put("chart", r.png() == null ? null : r.png().getFileName().toString());
            runs.add(rm);
        }
        m.put("runs", runs);
        m.put("failures", failures);
        write(dir.resolve("suite-" + LocalDateTime.now(ZoneOffset.UTC).format(STAMP) + ".json"), Json.write(m));
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AepException(Errno.EIO, "cannot write results file " + file + ": " + e.getMessage(), e);
        }
    }

    /** What the figures were measured on. */
    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("arch", System.getProperty("os.arch"));
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put("cpuModel", cpuModel());
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        m.put("jvmArgs", ManagementFactory.getRuntimeMXBean().getInputArguments());
        return m;
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** Writes to two streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws IOException {
            a.flush();
            b.flush();
        }
    }
}

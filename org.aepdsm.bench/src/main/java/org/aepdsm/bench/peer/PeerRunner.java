package org.aepdsm.bench.peer;

import java.util.Arrays;

/**
 * The peer JVM's entry point: {@code PeerRunner <benchmark> <args...>} measures the peers of one benchmark and
 * reports them in the {@link PeerReport} line protocol on stdout; {@code PeerRunner chart <png> <title> <y> (<label>
 * <value>)...} draws a chart. Runs outside OSGi, on a class path of this bundle's peer jars, so that libraries
 * needing JVM options (Chronicle Map's {@code --add-opens}, Arrow's {@code java.nio} access) or lacking OSGi
 * headers run as their authors intend.
 *
 * <p>Not thread-safe; one run per JVM.
 */
public final class PeerRunner {
    private PeerRunner() {
    }

    /**
     * Runs the peers of {@code args[0]} with the benchmark's parsed arguments, or draws a chart.
     *
     * @throws Exception when the chart cannot be written; peer failures are reported, not thrown
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: PeerRunner <threadtest|kv|transfer_bench|serverless_chain|pagerank|chart> "
                    + "<args...>");
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (args[0].equals("chart")) {
            ChartWriter.write(rest);
            return;
        }
        run(args[0], rest, new PeerReport(System.out));
        System.out.flush();
    }

    /** Runs one benchmark's peers, reporting to {@code report}. */
    public static void run(String benchmark, String[] args, PeerReport report) {
        switch (benchmark) {
            case "threadtest" -> ThreadtestPeers.run(report, args);
            case "kv" -> KvPeers.run(report, args);
            case "transfer_bench" -> TransferPeers.run(report, args);
            case "serverless_chain" -> ChainPeers.run(report, args);
            case "pagerank" -> PagerankPeer.run(report, args);
            default -> throw new IllegalArgumentException("no peers for benchmark " + benchmark);
        }
    }
}

package org.aepdsm.bench.peer;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The line protocol from the peer JVM to the benchmark: one line per figure,
 * {@code PEER\t<peer>\tok\t<figure>\t<value>\t<unit>\t<higher|lower>}, or one line
 * {@code PEER\t<peer>\tunavailable\t<reason>} when a peer could not run. Any other line is progress for people.
 *
 * <p>Thread-safe as the stream is.
 */
public final class PeerReport {
    /** The prefix of protocol lines. */
    public static final String PREFIX = "PEER\t";

    private final PrintStream out;

    /** @param out the stream the benchmark reads */
    public PeerReport(PrintStream out) {
        this.out = out;
    }

    /** A figure where more is better. */
    public void higher(String peer, String figure, double value, String unit) {
        figure(peer, figure, value, unit, true);
    }

    /** A figure where less is better. */
    public void lower(String peer, String figure, double value, String unit) {
        figure(peer, figure, value, unit, false);
    }

    private void figure(String peer, String figure, double value, String unit, boolean higher) {
        out.println(PREFIX + peer + "\tok\t" + figure + "\t" + String.format(Locale.ROOT, "%.6f", value) + "\t" + unit
                + "\t" + (higher ? "higher" : "lower"));
        out.flush();
    }

    /** A peer that could not run, and why. */
    public void unavailable(String peer, Throwable why) {
        String reason = why.getClass().getSimpleName() + (why.getMessage() == null ? "" : ": " + why.getMessage());
        Throwable root = why;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != why) {
            reason += " (cause " + root.getClass().getSimpleName()
                    + (root.getMessage() == null ? "" : ": " + root.getMessage()) + ")";
        }
        out.println(PREFIX + peer + "\tunavailable\t" + reason.replace('\t', ' ').replace('\n', ' '));
        out.flush();
    }

    /** A progress line for people. */
    public void note(String line) {
        out.println(line);
        out.flush();
    }

    /** Runs one peer, reporting it unavailable if it throws (a missing library, a refused JVM option...). */
    public void attempt(String peer, Runnable body) {
        note("peer " + peer + ": running");
        long t0 = System.nanoTime();
        try {
            body.run();
            note(String.format(Locale.ROOT, "peer %s: done in %.1f s", peer, (System.nanoTime() - t0) / 1e9));
        } catch (Throwable t) {
            unavailable(peer, t);
        }
    }
}

package org.aepdsm.bench;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Periodic progress lines for long phases, so a person watching a long run sees it move. A phase that ends before
 * the first period prints nothing, which keeps short runs' output exactly the original's.
 *
 * <p>Lines start with {@code "progress: "}. Thread-safe: workers only bump their own counters, a daemon thread
 * reads them.
 */
public final class Progress implements AutoCloseable {
    /** No progress lines at all. */
    public static final Progress NONE = new Progress(null, 0);

    private final PrintStream out;
    private final long periodMillis;
    private final ScheduledExecutorService ticker;

    /**
     * @param out          where the lines go
     * @param periodMillis how often a running phase reports
     */
    public Progress(PrintStream out, long periodMillis) {
        this.out = out;
        this.periodMillis = periodMillis;
        this.ticker = out == null || periodMillis <= 0 ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "aepdsm-bench-progress");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts reporting a phase: every period, {@code done} of {@code total} units.
     *
     * @return closing it stops the reports of this phase
     */
    public Phase phase(String what, long total, String unit, LongSupplier done) {
        if (ticker == null) {
            return () -> { };
        }
        long started = System.nanoTime();
        ScheduledFuture<?> f = ticker.scheduleAtFixedRate(() -> {
            long d = done.getAsLong();
            double secs = (System.nanoTime() - started) / 1e9;
            out.println(String.format(Locale.ROOT, "progress: %s %d/%d %s (%.0f%%) after %.1f s", what, d, total,
                    unit, total > 0 ? 100.0 * d / total : 0.0, secs));
            out.flush();
        }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
    }

    /** A note for the person watching. */
    public void note(String line) {
        if (out != null) {
            out.println("progress: " + line);
            out.flush();
        }
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }

    /** A phase being reported. */
    @FunctionalInterface
    public interface Phase extends AutoCloseable {
        @Override
        void close();
    }
}

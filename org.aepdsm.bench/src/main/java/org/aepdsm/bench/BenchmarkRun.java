package org.aepdsm.bench;

import java.io.PrintStream;
import java.util.List;

import org.aepdsm.api.entry.ShadowEntry;

/**
 * One benchmark with its parsed arguments, ready to run against a shadow entry. The runner prints the entry-mode
 * lines, calls {@link #beforeInit}, issues INIT unless skipped, then {@link #run}.
 *
 * <p>Implementations are single-use and not thread-safe; the threads a run starts are its own business.
 */
public interface BenchmarkRun {
    /** The original program's name. */
    String name();

    /** The command-line words that made this run. */
    List<String> args();

    /** The options common to every benchmark. */
    CommonOptions options();

    /** Lines the original prints before INIT (after the entry lines). */
    default void beforeInit(PrintStream out) {
    }

    /**
     * Runs the benchmark, printing the original's lines.
     *
     * @throws org.aepdsm.api.AepException EIO with the original's message when a self-check fails, or the
     *                                     entry's error when a call fails
     */
    Measurement run(ShadowEntry entry, PrintStream out, Progress progress);

    /** The arguments the peers get: the parsed values, as words the peer runner reads. */
    List<String> peerArgs();
}

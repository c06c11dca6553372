package org.aepdsm.bench;

import java.util.List;

/**
 * What every seed benchmark run shares: its program name, the command-line words that made it, and the options
 * common to all five.
 *
 * <p>Single-use and not thread-safe, like the runs built on it.
 */
public abstract class SeedRun implements BenchmarkRun {
    private final String name;
    private final List<String> args;
    /** The common options, filled while the run's command line is parsed. */
    protected final CommonOptions options = new CommonOptions();

    /**
     * @param name the original program's name
     * @param args the command-line words
     */
    protected SeedRun(String name, List<String> args) {
        this.name = name;
        this.args = List.copyOf(args);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final List<String> args() {
        return args;
    }

    @Override
    public final CommonOptions options() {
        return options;
    }
}

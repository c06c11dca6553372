package org.aepdsm.bench;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;

/**
 * The five benchmarks of the seed, with the arguments the seed runs them with. Immutable.
 */
public enum BenchmarkKind {
    /** Multithreaded MALLOC/FREE. */
    THREADTEST("threadtest", List.of("16", "1000", "100000", "0", "8"), ThreadTest::parse),
    /** Multithreaded key-value reads over allocator nodes. */
    KV("kv", List.of("16", "9", "1000000"), KvBench::parse),
    /** Single-object and binary-tree-root ownership transfer. */
    TRANSFER_BENCH("transfer_bench", List.of("100000", "64", "10", "--mode=all"), TransferBench::parse),
    /** An ownership chain through several clients. */
    SERVERLESS_CHAIN("serverless_chain", List.of("100000", "64", "10"), ServerlessChain::parse),
    /** PageRank over a growing working set. */
    PAGERANK("pagerank", List.of("4", "4096", "4", "5", "8"), PageRank::parse);

    private final String programName;
    private final List<String> seedArgs;
    private final Function<List<String>, BenchmarkRun> parser;

    BenchmarkKind(String programName, List<String> seedArgs, Function<List<String>, BenchmarkRun> parser) {
        this.programName = programName;
        this.seedArgs = seedArgs;
        this.parser = parser;
    }

    /** The original program's name. */
    public String programName() {
        return programName;
    }

    /** The seed's arguments. */
    public List<String> seedArgs() {
        return seedArgs;
    }

    /**
     * Parses a command line for this benchmark.
     *
     * @throws AepException EINVAL with the original's message
     */
    public BenchmarkRun parse(List<String> args) {
        return parser.apply(args);
    }

    /**
     * The benchmark of that name.
     *
     * @throws AepException EINVAL naming the unknown name and the known ones
     */
    public static BenchmarkKind named(String name) {
        for (BenchmarkKind k : values()) {
            if (k.programName.equals(name)) {
                return k;
            }
        }
        throw new AepException(Errno.EINVAL, "unknown benchmark " + name + ": one of " + names() + " or suite");
    }

    /** The names, comma-separated. */
    public static String names() {
        return Arrays.stream(values()).map(BenchmarkKind::programName).collect(Collectors.joining(", "));
    }
}

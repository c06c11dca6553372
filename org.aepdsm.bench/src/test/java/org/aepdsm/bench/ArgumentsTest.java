package org.aepdsm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Command lines as the original programs take them: defaults, number syntax, and their refusal messages. */
class ArgumentsTest {
    private static List<String> words(String line) {
        return line.isBlank() ? List.of() : Arrays.asList(line.trim().split(" +"));
    }

    private static void refused(String bench, String line, String message) {
        AepException e = assertThrows(AepException.class,
                () -> BenchmarkKind.named(bench).parse(words(line)), bench + " " + line);
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals("EINVAL: " + message, e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "threadtest|0|threads must be in [1, 39]",
        "threadtest|40|threads must be in [1, 39]",
        "threadtest|4 0|iterations, objects, and sz must be positive; work must be non-negative",
        "threadtest|4 1 2|objects must be >= threads",
        "threadtest|4 1 8 0 0|iterations, objects, and sz must be positive; work must be non-negative",
        "threadtest|4 1 8 4294967295|iterations, objects, and sz must be positive; work must be non-negative",
        "threadtest|4x|invalid argument: 4x",
        "threadtest|--entry=zz|invalid entry: zz",
        "kv|0|threads must be in [1, 39]",
        "kv|4 9 0|read_ratio must be non-negative and iterations must be positive",
        "kv|4 4294967295 10|read_ratio must be non-negative and iterations must be positive",
        "transfer_bench|0|rounds must be positive",
        "transfer_bench|10 64 21|tree_depth must be in [0, 20]",
        "transfer_bench|10 --src=0|src and dst must be positive and different",
        "transfer_bench|10 --src=3 --dst=3|src and dst must be positive and different",
        "transfer_bench|10 --mode=both|invalid mode: both",
        "transfer_bench|10 --dst=2147483648|dst is too large: 2147483648",
        "serverless_chain|0|rounds must be positive",
        "serverless_chain|10 8 11|clients must be in [2, 10]",
        "serverless_chain|10 8 1|clients must be in [2, 10]",
        "pagerank|0|workers must be in [1, 16]",
        "pagerank|17|workers must be in [1, 16]",
        "pagerank|4 3|initial_vertices, stages, iterations, and edges_per_vertex must be positive",
        "pagerank|4 64 0|initial_vertices, stages, iterations, and edges_per_vertex must be positive",
        "pagerank|4 64 1 1 229|edges_per_vertex is too large for the allocator small-object bins",
        "threadtest|--rounds=0|--rounds must be a whole number from 1 to 100, not '0'",
        "kv|4 9 10 --rounds=101|--rounds must be a whole number from 1 to 100, not '101'",
        "transfer_bench|10 --rounds=3x|--rounds must be a whole number from 1 to 100, not '3x'",
        "serverless_chain|10 --rounds=|--rounds must be a whole number from 1 to 100, not ''",
        "pagerank|--rounds=-2|--rounds must be a whole number from 1 to 100, not '-2'",
    })
    void refusalsCarryTheOriginalMessage(String bench, String line, String message) {
        refused(bench, line, message);
    }

    @Test
    void unknownOptionsAndExtraPositionalsPrintUsage() {
        refused("threadtest", "--bogus", ThreadTest.USAGE);
        refused("threadtest", "1 2 3 4 5 6", ThreadTest.USAGE);
        refused("kv", "1 2 3 4", KvBench.USAGE);
        refused("kv", "--mode=read", KvBench.USAGE);
        refused("transfer_bench", "1 2 3 4", TransferBench.USAGE);
        refused("serverless_chain", "--mode=all", ServerlessChain.USAGE);
        refused("pagerank", "1 2 3 4 5 6", PageRank.USAGE);
        assertTrue(KvBench.USAGE.contains("read_ratio is accepted for CXL-SHM CLI compatibility"));
    }

    @Test
    void defaultsAreTheOriginals() {
        ThreadTest t = ThreadTest.parse(List.of());
        assertEquals(List.of(16, 1000, 100000, 0, 8), List.of(t.threads, t.iterations, t.objects, t.work, t.sz));
        KvBench k = KvBench.parse(List.of());
        assertEquals(List.of(8, 9, 1000000), List.of(k.threads, k.readRatio, k.iterations));
        assertFalse(k.writeOnly);
        TransferBench b = TransferBench.parse(List.of());
        assertEquals(List.of(1000000L, 64L, 10L, 1L, 2L),
                List.of((long) b.rounds, b.objectSize, (long) b.treeDepth, (long) b.src, (long) b.dst));
        assertEquals("all", b.mode);
        ServerlessChain c = ServerlessChain.parse(List.of());
        assertEquals(List.of(1000000L, 64L, 10L), List.of((long) c.rounds, c.objectSize, (long) c.clients));
        PageRank p = PageRank.parse(List.of());
        assertEquals(List.of(4L, 4096L, 4L, 5L, 8L), List.of((long) p.workers, p.initialVertices, (long) p.stages,
                (long) p.iterations, (long) p.edgesPerVertex));
    }

    @Test
    void numbersAreReadAsStrtoulWithBaseZero() {
        assertEquals(16, CArgs.strtoul("0x10", "argument"));
        assertEquals(8, CArgs.strtoul("010", "argument"));
        assertEquals(0, CArgs.strtoul("0", "argument"));
        assertEquals(7, CArgs.strtoul(" +7", "argument"));
        assertEquals(-1L, CArgs.strtoul("0xffffffffffffffff", "argument"));
        assertThrows(AepException.class, () -> CArgs.strtoul("0x1ffffffffffffffff", "argument"));
        assertThrows(AepException.class, () -> CArgs.strtoul("08", "argument"));
        assertThrows(AepException.class, () -> CArgs.strtoul("", "argument"));
        assertThrows(AepException.class, () -> CArgs.strtoul("0x", "argument"));
        ThreadTest t = ThreadTest.parse(List.of("0x4", "010", "4294967304"));
        assertEquals(4, t.threads);
        assertEquals(8, t.iterations);
        assertEquals(8, t.objects, "(int) truncation keeps the low 32 bits, as the C cast does");
    }

    @Test
    void benchmarkFlagsAreParsed() {
        assertTrue(KvBench.parse(List.of("--mode=write")).writeOnly);
        assertTrue(KvBench.parse(List.of("--write-only")).writeOnly);
        assertFalse(KvBench.parse(List.of("--write-only", "--mode=readhit")).writeOnly);
        TransferBench b = TransferBench.parse(List.of("5", "8", "0", "--mode=tree", "--src=3", "--dst=0x14"));
        assertEquals(List.of("5", "40", "0", "tree"), b.peerArgs(), "object_size is raised to the payload's 40");
        assertEquals(20, b.dst);
        assertEquals(List.of("5", "32", "2"), ServerlessChain.parse(List.of("5", "1", "2")).peerArgs());
        assertEquals(1, ThreadTest.parse(List.of()).options().rounds(), "one round unless asked");
        CommonOptions o = ThreadTest.parse(List.of("--skip-init", "--entry=0x1000", "--direct", "--no-peers",
                "--out=/tmp/x", "--rounds=100")).options();
        assertEquals(100, o.rounds());
        assertTrue(o.skipInit());
        assertTrue(o.direct());
        assertEquals(0x1000, o.entry().getAsLong());
        assertFalse(o.peers(true));
        assertEquals("/tmp/x", o.out());
    }

    @Test
    void unknownBenchmarkNamesTheKnownOnes() {
        AepException e = assertThrows(AepException.class, () -> BenchmarkKind.named("tpcc"));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("unknown benchmark tpcc: one of threadtest, kv, transfer_bench, "
                + "serverless_chain, pagerank or suite"), e.getMessage());
    }
}

package org.aepdsm.bench;

import static org.aepdsm.bench.Harness.F6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.aepdsm.allocator.AepAllocator;
import org.aepdsm.allocator.ConsistencyChecker;
import org.aepdsm.allocator.FsckReport;
import org.aepdsm.allocator.PoolShadowEntry;
import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.api.memory.Isolation;
import org.aepdsm.api.memory.ProtectionDomain;
import org.aepdsm.api.memory.SharedPool;
import org.aepdsm.api.ownership.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmarks against the real allocator (org.aepdsm.allocator) over a 64 MiB pool, 2 nodes x 20 clients:
 * every self-check passes, every object is freed, and the allocator's fsck is clean afterwards.
 */
class RealAllocatorTest {
    @TempDir
    Path dir;

    private final Arena arena = Arena.ofShared();
    private AepAllocator allocator;
    private PoolShadowEntry shadow;
    private PoolShadowEntry direct;
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    /** A domain that isolates nothing: the entry still enters and leaves it on each call. */
    private static final class OpenDomain implements ProtectionDomain {
        public Isolation isolation() {
            return Isolation.NONE;
        }

        public void isolate(SharedPool pool, long offset, long length) {
        }

        public void enter() {
        }

        public void leave() {
        }

        public boolean isInside() {
            return false;
        }
    }

    @BeforeEach
    void open() {
        allocator = AepAllocator.open(arena.allocate(64L << 20, 4096), new Topology(2, 20), 512, false,
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        shadow = new PoolShadowEntry(allocator, new OpenDomain(), false, PoolShadowEntry.DEFAULT_ADDRESS);
        direct = new PoolShadowEntry(allocator, null, true, 0x1000);
    }

    @AfterEach
    void close() {
        arena.close();
    }

    private Harness harness() {
        return new Harness(dir, null,
                new EntryChoice.Candidate(shadow, Map.of(ShadowEntry.ENTRY_PROPERTY, "0xffffe8fffd801000")),
                new EntryChoice.Candidate(direct, Map.of(EntryChoice.DIRECT_PROPERTY, true)));
    }

    private void assertEmptyAndClean() {
        assertEquals(0, shadow.call(ShadowEntry.COUNT, 0, 0, 0, 0), "objects left behind");
        FsckReport report = new ConsistencyChecker(allocator).check();
        assertTrue(report.clean(), () -> "fsck: " + report.problems());
    }

    @Test
    void threadtest() {
        RunReport r = harness().run("threadtest", "4 3 400 0 8");
        assertEquals("Total operations = 2400", r.output().get(4));
        assertEmptyAndClean();
    }

    @Test
    void kvReadHitAndWrite() {
        RunReport r = harness().run("kv", "4 9 2000");
        assertEquals("Total operations = 8000", r.output().get(5));
        assertEmptyAndClean();
        harness().run("kv", "3 9 500 --mode=write --skip-init");
        assertEmptyAndClean();
    }

    @Test
    void transferBenchWithinAndAcrossNodes() {
        RunReport r = harness().run("transfer_bench", "20 64 4 --mode=all");
        assertEquals("  traversal checksum = 0x0", r.output().getLast());
        assertEmptyAndClean();
        RunReport cross = harness().run("transfer_bench", "5 100 3 --dst=20");
        assertEquals("clients = 1 -> 20", cross.output().get(2));
        assertEquals("  traversal checksum = 0xaed500005eed1234", cross.output().getLast());
        assertEmptyAndClean();
    }

    @Test
    void serverlessChain() {
        RunReport r = harness().run("serverless_chain", "30 64 10");
        assertEquals("Total ownership transfers = 270", r.output().get(4));
        assertEmptyAndClean();
    }

    @Test
    void pagerank() {
        RunReport r = harness().run("pagerank", "4 256 3 3 8");
        List<String> sums = r.output().stream().filter(l -> l.startsWith("  rank checksum")).toList();
        assertEquals(List.of("  rank checksum = 1.000000000000", "  rank checksum = 1.000000000000",
                "  rank checksum = 1.000000000000"), sums);
        assertTrue(r.output().stream().anyMatch(l -> l.matches("  time = " + F6 + " s")));
        assertEquals(List.of("[stage 0]", "[stage 1]", "[stage 2]"),
                r.output().stream().filter(l -> l.startsWith("[stage ")).toList(),
                "the untimed warm-up stage prints nothing");
        assertEmptyAndClean();
    }

    @Test
    void directLinkMode() {
        RunReport r = harness().run("serverless_chain", "5 64 3 --direct");
        assertEquals("AEP-DSM entry mode = direct-link", r.output().getFirst());
        assertEmptyAndClean();
    }
}

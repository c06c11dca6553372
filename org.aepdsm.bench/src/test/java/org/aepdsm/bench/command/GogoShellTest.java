package org.aepdsm.bench.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.bench.BenchRunner;
import org.aepdsm.bench.EntryChoice;
import org.aepdsm.bench.TestEntries;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** aep:bench as Gogo parses and runs it: words, output on the session's stream, refusals as errors. */
class GogoShellTest {
    private final ThreadIOImpl threadIo = new ThreadIOImpl();
    private CommandProcessorImpl processor;
    private CommandSession session;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    @BeforeEach
    void shell() {
        threadIo.start();
        processor = new CommandProcessorImpl(threadIo);
        EntryChoice.Candidate entry = TestEntries.shadow();
        BenchCommand command = new BenchCommand(new BenchRunner(() -> List.of(entry), null, dir, 0));
        processor.addCommand("aep", new Object() {
            @SuppressWarnings("unused")
            public String bench(Object... words) {
                return command.bench(System.out, words);
            }
        }, "bench");
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out);
    }

    @AfterEach
    void close() {
        session.close();
        processor.stop();
        threadIo.stop();
    }

    @Test
    void benchmarkLinesGoToTheSessionAndASummaryIsReturned() throws Exception {
        Object result = session.execute("aep:bench threadtest 2 2 10 0 8");
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("Running AEP-DSM shadow-entry threadtest for 2 threads, 2 iterations, 10 objects, "
                + "0 work and 8 sz...\n"), text);
        assertTrue(text.contains("Total operations = 40\n"), text);
        assertTrue(String.valueOf(result).startsWith("threadtest throughput = "), String.valueOf(result));
    }

    @Test
    void flagsPassThroughTheShell() throws Exception {
        session.execute("aep:bench transfer_bench 3 64 1 --mode=tree --src=2 --dst=5");
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("clients = 2 -> 5\n[binary-tree-root-transfer]\n"), text);
        assertTrue(!text.contains("[single-object]"), text);
    }

    @Test
    void badArgumentsFailTheCommandWithTheOriginalMessage() {
        AepException e = assertThrows(AepException.class, () -> session.execute("aep:bench serverless_chain 10 8 11"));
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals("EINVAL: clients must be in [2, 10]", e.getMessage());
        AepException none = assertThrows(AepException.class, () -> session.execute("aep:bench"));
        assertTrue(none.getMessage().contains("usage: aep:bench <threadtest|kv|transfer_bench|serverless_chain|"
                + "pagerank|suite>"), none.getMessage());
    }

    @Test
    void suiteRunsAllFiveWithProgressAndSummary() {
        BenchRunner runner = new BenchRunner(() -> List.of(TestEntries.shadow()), null, dir, 0);
        java.io.PrintStream ps = new java.io.PrintStream(out, true, StandardCharsets.UTF_8);
        var reports = runner.suite(List.of("--no-peers"), ps, List.of(
                List.of("2", "1", "10", "0", "8"), List.of("2", "9", "50"), List.of("3", "64", "2", "--mode=all"),
                List.of("3", "64", "3"), List.of("2", "64", "1", "1", "4")));
        assertEquals(5, reports.size());
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("=== [1/5] threadtest 2 1 10 0 8 --no-peers ==="), text);
        assertTrue(text.contains("=== pagerank done in "), text);
        assertTrue(text.contains("=== summary ===\nbenchmark"), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("serverless_chain  latency")), text);
    }
}

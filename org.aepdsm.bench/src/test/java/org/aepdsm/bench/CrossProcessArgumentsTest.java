package org.aepdsm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** transfer_bench --processes: what it accepts, what it refuses and why, before anything runs. */
class CrossProcessArgumentsTest {
    @TempDir
    Path dir;

    private static List<String> words(String line) {
        return Arrays.asList(line.trim().split(" +"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "10 --processes 3 --mode=single|--processes must be 1 or 2, not 3",
        "10 --processes=0 --mode=single|--processes must be 1 or 2, not 0",
        "10 --processes=x --mode=single|invalid processes: x",
        "10 --mode=single --processes|--processes needs a value (1 or 2)",
        "10 --processes 2|--processes 2 runs only the single-object ping-pong: add --mode=single (mode is all)",
        "10 --processes=2 --mode=tree|--processes 2 runs only the single-object ping-pong: add --mode=single "
                + "(mode is tree)",
    })
    void badProcessCountsAndModesAreRefusedNamingTheValue(String line, String message) {
        AepException e = assertThrows(AepException.class, () -> TransferBench.parse(words(line)), line);
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals("EINVAL: " + message, e.getMessage());
    }

    @Test
    void bothSpellingsAreAccepted() {
        assertEquals(2, TransferBench.parse(words("10 64 1 --processes 2 --mode=single")).processes());
        assertEquals(2, TransferBench.parse(words("10 --mode=single --processes=2")).processes());
        assertEquals(1, TransferBench.parse(words("10 --processes=1")).processes());
        assertEquals(1, TransferBench.parse(words("10")).processes());
    }

    @Test
    void aSimEntryIsRefusedWithTheReasonAndNoRuntimeIsLookedFor() {
        TransferBench b = TransferBench.parse(words("10 --mode=single --processes 2"));
        AepException e = assertThrows(AepException.class, () -> b.placeOn(
                Map.of("aepdsm.backend", "sim", "aepdsm.pool", "p"), () -> {
                    throw new AssertionError("no runtime command is needed to refuse");
                }));
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals("EINVAL: transfer_bench --processes 2: the active backend is sim, whose pool is not shared "
                + "across processes; run aep:use native first", e.getMessage());
    }

    @Test
    void aNativeEntryWithoutAPoolIsRefused() {
        TransferBench b = TransferBench.parse(words("10 --mode=single --processes 2"));
        AepException e = assertThrows(AepException.class,
                () -> b.placeOn(Map.of("aepdsm.backend", "native"), List::of));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("names no shared pool"), e.getMessage());
    }

    @Test
    void theRunnerRefusesBeforeInitWhenTheChosenEntryIsOnSim() {
        HeapEntry heap = new HeapEntry();
        EntryChoice.Candidate sim = new EntryChoice.Candidate(heap,
                Map.of("aepdsm.entry", heap.address(), "aepdsm.backend", "sim", "aepdsm.pool", "aepdsm-pool"));
        BenchRunner runner = new BenchRunner(() -> List.of(sim), null, dir, 0);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        AepException e = assertThrows(AepException.class, () -> runner.run("transfer_bench",
                words("10 64 1 --mode=single --processes 2"), false,
                new PrintStream(text, true, StandardCharsets.UTF_8)));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("the active backend is sim"), e.getMessage());
        assertEquals("", text.toString(StandardCharsets.UTF_8), "nothing ran");
    }

    @Test
    void theChildLineAttachesToThePoolOnNativeBeforeRunningTheReceiver() {
        assertEquals("aep:pool shared-1 --skip-init; aep:use native; aep:bench transfer_receiver 30 64 --src=1 "
                + "--dst=2 --pool=shared-1 --tcp-port=4711", CrossProcessTransfer.childLine("shared-1", 30, 64, 1, 2,
                4711));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0 64 --src=1 --dst=2 --pool=p --tcp-port=1",
        "5 64 --src=1 --dst=1 --pool=p --tcp-port=1",
        "5 64 --src=1 --dst=2 --tcp-port=1",
        "5 64 --src=1 --dst=2 --pool=p --tcp-port=70000",
        "5 64 --src=1 --dst=2 --pool=p --tcp-port=1 --bogus",
    })
    void theReceiverRefusesIncompleteCommandLines(String line) {
        BenchRunner runner = new BenchRunner(List::of, null, dir, 0);
        AepException e = assertThrows(AepException.class, () -> runner.receive(words(line)), line);
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("usage: transfer_receiver"), e.getMessage());
    }
}

package org.aepdsm.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aep:bench transfer_bench ... --processes 2} in the runtime jar: the receiver runs in a second runtime
 * process on the same native pool, the object makes every round trip, and the TCP hand-off is reported beside it;
 * on the sim backend the run is refused with the reason.
 */
class BenchProcessesJarIT {
    @TempDir
    Path results;

    @Test
    void theSingleObjectPingPongCrossesTwoProcesses() throws Exception {
        String pool = "aepdsm-it-bench-" + ProcessHandle.current().pid();
        try {
            RuntimeJarIT.Run r = RuntimeJarIT.run("aep:use native; aep:pool " + pool + " --size=32; "
                    + "aep:bench transfer_bench 50 64 1 --mode=single --processes 2 --out=" + results);
            assertEquals(0, r.exit(), () -> "stdout:\n" + r.out() + "\nstderr:\n" + r.err());
            String out = r.out();
            assertTrue(out.contains("[single-object]\n  rounds = 50\n"), out);
            assertTrue(out.contains("[single-object, 2 processes] sender pid ") && out.contains("native pool "
                    + pool + ": "), out);
            assertTrue(out.contains("[tcp loopback, 2 processes] this process <-> receiver pid "), out);
            assertTrue(out.contains("  pool/tcp = "), out);
        } finally {
            Files.deleteIfExists(Path.of("/dev/shm", pool));
        }
    }

    @Test
    void onSimTheRunIsRefusedNamingTheReason() throws Exception {
        RuntimeJarIT.Run r = RuntimeJarIT.run("aep:bench transfer_bench 50 64 1 --mode=single --processes 2 --out="
                + results);
        assertEquals(2, r.exit(), () -> "stdout:\n" + r.out() + "\nstderr:\n" + r.err());
        assertTrue(r.err().contains("EINVAL: transfer_bench --processes 2: the active backend is sim, whose pool is "
                + "not shared across processes; run aep:use native first"), r.err());
    }
}

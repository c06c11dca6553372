package org.aepdsm.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Whole runtimes as client processes of one /dev/shm pool: {@code aep:clients} moves objects between
 * processes, and a runtime killed with SIGKILL in the middle of its allocations and transfers is recovered
 * by another runtime, after which fsck finds the pool clean.
 */
class MultiProcessJarIT {
    @Test
    void objectsCrossProcessBoundaries() throws Exception {
        String pool = "aepdsm-it-mp-" + ProcessHandle.current().pid();
        try {
            RuntimeJarIT.Run r = RuntimeJarIT.run("aep:use native; aep:pool " + pool + " --size=32; "
                    + "x = aep:alloc 5 64; aep:send 5 0 $x; y = aep:alloc 5 64; aep:send 5 20 $y; "
                    + "aep:clients 2 'o = aep:alloc {c+1} 128 1; t = aep:alloc {c+1} 32; aep:link {c+1} $o $t; "
                    + "aep:unlink {c+1} $o $t; aep:free {c+1} $t; aep:send {c+1} 39 $o; "
                    + "r = aep:recv {c}; aep:free {c} $r'; "
                    + "aep:recv 39; aep:recv 39; aep:stats; aep:fsck");
            assertEquals(0, r.exit(), () -> "stdout:\n" + r.out() + "\nstderr:\n" + r.err());
            String out = r.out();
            assertTrue(out.contains("pool " + pool + " on native: created"), out);
            assertEquals(2, out.split("now owned by client 39", -1).length - 1, "both children's objects reach 39:\n"
                    + out);
            assertTrue(out.contains("(now owned by client 0)") && out.contains("(now owned by client 20)"),
                    "the parent's objects reach both children:\n" + out);
            assertTrue(out.contains("clean: 2 live objects"), out);
        } finally {
            Files.deleteIfExists(Path.of("/dev/shm", pool));
        }
    }

    @Test
    void aKilledRuntimeIsRecoveredByAnother() throws Exception {
        String pool = "aepdsm-it-kill-" + ProcessHandle.current().pid();
        try {
            RuntimeJarIT.Run made = RuntimeJarIT.run("aep:use native; aep:pool " + pool + " --size=32");
            assertEquals(0, made.exit(), made::err);
            StringBuilder script = new StringBuilder("aep:pool " + pool + " --skip-init; aep:use native");
            for (int i = 0; i < 400; i++) {
                script.append("; h = aep:alloc 1 ").append(64 + 8 * (i % 50)).append(i % 3 == 0 ? "; aep:send 1 20 $h"
                        : i % 3 == 1 ? "; aep:free 1 $h" : "");
            }
            Path log = Files.createTempFile("aepdsm-victim", ".log");
            Path jar = Path.of(System.getProperty("aepdsm.root"), "runtime", "target", "aepdsm.jar");
            Process victim = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-jar", jar.toString(), script.toString())).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (Files.readString(log, StandardCharsets.UTF_8).split("client 1, ", -1).length < 60) {
                assertTrue(victim.isAlive() && System.nanoTime() < deadline, () -> "victim stopped early: " + read(log));
                Thread.sleep(5);
            }
            victim.destroyForcibly();
            assertTrue(victim.waitFor(30, TimeUnit.SECONDS));
            String victimOut = read(log);
            long sent = victimOut.lines().filter(l -> l.startsWith("sent ")).count();
            Files.deleteIfExists(log);

            RuntimeJarIT.Run r = RuntimeJarIT.run("aep:pool " + pool + " --skip-init; aep:use native; aep:recover 1; "
                    + "aep:fsck; aep:sweep; aep:fsck");
            assertEquals(0, r.exit(), () -> "stdout:\n" + r.out() + "\nstderr:\n" + r.err());
            String[] checks = r.out().split("\n");
            String last = checks[checks.length - 1];
            assertTrue(last.startsWith("clean: "), "after RECOVER and sweep fsck is clean:\n" + r.out());
            long inFlight = Long.parseLong(last.replaceAll(".*\\((\\d+) in flight\\).*", "$1"));
            assertTrue(inFlight >= sent && inFlight <= sent + 1, "the " + sent + " objects the victim sent wait for"
                    + " client 20 (one more if it was killed after publishing):\n" + r.out());
            assertTrue(r.out().contains("swept: 0 repairs") || r.out().contains("problems"), r.out());
        } finally {
            Files.deleteIfExists(Path.of("/dev/shm", pool));
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}

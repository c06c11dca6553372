package org.aepdsm.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.aepdsm.launcher.JavaVersionCheck;
import org.junit.jupiter.api.Test;

/**
 * The executable jar as a user runs it: {@code java -jar runtime/target/aepdsm.jar "<command line>"}
 * prints each statement's result and exits 0, or non-zero with the error on stderr.
 */
class RuntimeJarIT {
    record Run(int exit, String out, String err) {
    }

    static Run run(String line) throws IOException, InterruptedException {
        return run(Path.of(System.getProperty("java.home"), "bin", "java"), line);
    }

    /** Runs the jar with the given {@code java} launcher. */
    static Run run(Path java, String line) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("aepdsm.root"), "runtime", "target", "aepdsm.jar");
        assertTrue(Files.isRegularFile(jar), "runtime jar built at " + jar);
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-jar", jar.toString()));
        cmd.add(line);
        Path dir = Files.createTempDirectory("aepdsm-run");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        byte[][] streams = new byte[2][];
        Thread errReader = Thread.ofPlatform().start(() -> {
            try {
                streams[1] = p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                streams[1] = e.toString().getBytes(StandardCharsets.UTF_8);
            }
        });
        streams[0] = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("runtime did not exit within 120 s for: " + line);
        }
        errReader.join();
        return new Run(p.exitValue(), new String(streams[0], StandardCharsets.UTF_8),
                new String(streams[1], StandardCharsets.UTF_8));
    }

    @Test
    void aCommandLineRunsEveryStatementAndExitsZero() throws Exception {
        Run r = run("aep:backends; aep:use native; aep:status; aep:use sim; aep:status");
        assertEquals(0, r.exit(), () -> "stdout:\n" + r.out() + "\nstderr:\n" + r.err());
        String out = r.out();
        assertTrue(out.contains("selected: sim"), out);
        int toNative = out.indexOf("active backend: native\n");
        int nativeStatus = out.indexOf("active backend: native (", toNative + 1);
        int toSim = out.indexOf("active backend: sim\n", nativeStatus);
        int simStatus = out.indexOf("active backend: sim (", toSim);
        assertTrue(toNative >= 0 && nativeStatus > toNative && toSim > nativeStatus && simStatus > toSim,
                "each statement's result printed in order:\n" + out);
    }

    /**
     * Every console command that reads the allocator's metadata outside a client call (stats, bitmap, fsck,
     * sweep, the gate measurement, the pool description) works on the native backend. Where the CPU has
     * protection keys the metadata pages are keyed, so a read outside the protection domain would kill the JVM.
     */
    @Test
    void metadataCommandsWorkOnTheNativeBackendWhateverItsIsolation() throws Exception {
        Run r = run("aep:use native; aep:status; h = aep:alloc 1 64; aep:stats; aep:bitmap; aep:fsck; "
                + "aep:free 1 $h; aep:sweep; aep:gatecost 0 8 3 20000; aep:pool");
        assertEquals(0, r.exit(), () -> "stdout:\n" + r.out() + "\nstderr:\n" + r.err());
        String out = r.out();
        boolean keys = Files.readString(Path.of("/proc/cpuinfo")).contains(" pku");
        assertTrue(out.contains("isolation: " + (keys ? "pkey" : "none")), out);
        assertTrue(out.contains("live objects:      1"), out);
        assertTrue(out.contains("pool access:       constant segment (hidden class)"), out);
        assertTrue(out.contains("allocated blocks: 1"), out);
        assertTrue(out.contains("clean: 1 live objects"), out);
        assertTrue(out.contains("isolation " + (keys ? "pkey" : "none") + "; 3 rounds of 20000"), out);
        assertTrue(out.contains("  the thread's own entry: "), out);
        assertTrue(out.contains("pool aepdsm-pool on native"), out);
    }

    @Test
    void anOlderJvmIsRefusedWithOneClearMessage() throws Exception {
        Optional<Path> old = olderJava();
        assumeTrue(old.isPresent(), "no JVM older than 25 under /usr/lib/jvm");
        Run r = run(old.get(), "aep:status");
        assertEquals(1, r.exit(), () -> "stdout:\n" + r.out() + "\nstderr:\n" + r.err());
        assertTrue(r.err().contains("AEP-DSM needs Java 25 or newer; this is Java "), r.err());
        assertFalse(r.err().contains("Unable to resolve"), "stops before any bundle starts:\n" + r.err());
        assertFalse(r.out().contains("active backend"), r.out());
    }

    /** A JVM under /usr/lib/jvm whose release file names a feature release below 25. */
    private static Optional<Path> olderJava() throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(h -> Files.isExecutable(h.resolve("bin/java"))).filter(h -> {
                int f = feature(h);
                return f > 0 && f < JavaVersionCheck.REQUIRED;
            }).map(h -> h.resolve("bin/java")).findFirst();
        }
    }

    /** The feature release a JDK's release file names, or -1. */
    private static int feature(Path home) {
        try {
            for (String l : Files.readAllLines(home.resolve("release"))) {
                if (l.startsWith("JAVA_VERSION=")) {
                    return JavaVersionCheck.feature(l.substring("JAVA_VERSION=".length()).replace("\"", ""));
                }
            }
        } catch (IOException unreadable) {
            return -1;
        }
        return -1;
    }

    @Test
    void aRefusedCommandExitsNonZeroWithTheErrorOnStderr() throws Exception {
        Run r = run("aep:status; aep:use bogus; aep:status");
        assertEquals(2, r.exit(), () -> "stdout:\n" + r.out() + "\nstderr:\n" + r.err());
        assertTrue(r.err().contains("EINVAL") && r.err().contains("'bogus'"), r.err());
        assertEquals(1, r.out().split("active backend: sim", -1).length - 1,
                "statements after the failing one do not run:\n" + r.out());
    }

    @Test
    void cxlmapTestsAStandInDeviceAndNamesAMissingOne() throws Exception {
        Path dev = Files.createTempFile("aepdsm-dax", ".img");
        try {
            Files.write(dev, new byte[64 << 10]);
            Run ok = run("aep:cxlmap --phys=0x1000 --size=0x2000 --rw-test --device=" + dev);
            assertEquals(0, ok.exit(), () -> ok.out() + ok.err());
            assertTrue(ok.out().contains("rw-test: PASS"), ok.out());
            Run missing = run("aep:cxlmap --phys=0x0 --size=0x1000 --rw-test --device=/dev/dax7.7");
            assertEquals(2, missing.exit(), () -> missing.out() + missing.err());
            assertTrue(missing.err().contains("ENODEV") && missing.err().contains("/dev/dax7.7"), missing.err());
        } finally {
            Files.deleteIfExists(dev);
        }
    }
}

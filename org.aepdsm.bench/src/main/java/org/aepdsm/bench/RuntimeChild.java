package org.aepdsm.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;

/**
 * One child runtime process, {@code java -jar <runtime jar> "<line>"}, whose output goes to a log file. The jar is
 * the one named by the system property {@value #JAR_PROPERTY} or, when this JVM was started with {@code java -jar},
 * its class path (the same rule as the allocator's client processes).
 *
 * <p>Not thread-safe: one thread starts, polls and closes it. Ownership: the child owns its process and log;
 * {@link #close()} kills the process if it still runs and deletes the log.
 */
public final class RuntimeChild implements AutoCloseable {
    /** System property naming the runtime jar when it is not this JVM's class path. */
    public static final String JAR_PROPERTY = "aepdsm.jar";

    private final Process process;
    private final Path log;

    private RuntimeChild(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * The command that starts a runtime, without its command line.
     *
     * @throws AepException ENOENT when no runtime jar can be found
     */
    public static List<String> runtimeCommand() {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String jar = System.getProperty(JAR_PROPERTY);
        if (jar == null) {
            String cp = System.getProperty("java.class.path", "");
            jar = cp.endsWith(".jar") && !cp.contains(File.pathSeparator) ? cp : null;
        }
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new AepException(Errno.ENOENT, "no runtime jar to start the receiver process with: set -D"
                    + JAR_PROPERTY + "=<path of aepdsm.jar> or start this runtime with java -jar");
        }
        return List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xshare:auto", "-jar",
                Path.of(jar).toAbsolutePath().toString());
    }

    /**
     * Starts {@code command} followed by {@code line}.
     *
     * @throws AepException EIO if the process cannot be started
     */
    public static RuntimeChild start(List<String> command, String line) {
        Path log = null;
        try {
            log = Files.createTempFile("aepdsm-bench-child", ".log");
            List<String> cmd = new ArrayList<>(command);
            cmd.add(line);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new RuntimeChild(p, log);
        } catch (IOException e) {
            if (log != null) {
                log.toFile().delete();
            }
            throw new AepException(Errno.EIO, "cannot start the receiver process: " + e.getMessage(), e);
        }
    }

    /** The child's process id. */
    public long pid() {
        return process.pid();
    }

    /** Whether it still runs. */
    public boolean alive() {
        return process.isAlive();
    }

    /** Waits up to {@code seconds} for it to exit; its exit code, or -1 when it had to be killed. */
    public int await(long seconds) {
        try {
            if (process.waitFor(seconds, TimeUnit.SECONDS)) {
                return process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        return -1;
    }

    /** What it printed so far. */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8).stripTrailing();
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        try {
            process.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(log);
        } catch (IOException | InterruptedException e) {
            // A leftover log in the temporary directory is harmless; nothing reads it again.
        }
    }
}

package org.aepdsm.allocator;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.ownership.Topology;

/**
 * Client processes on one shared pool: each child is a whole runtime,
 * {@code java -jar <runtime jar> "<line>"}, that attaches to the pool another
 * process formatted and runs a command line as a range of client ids. Child
 * {@code i} of {@code n} gets the clients {@code [i*k, (i+1)*k)} with
 * {@code k = clients / n}, so the children's clients never overlap (the allocator
 * requires one thread at a time per client id, across processes too). In the
 * script, {@code {i}} is the child's index, {@code {c}} its first client id,
 * {@code {c+j}} its j-th, {@code {k}} its number of clients and {@code {node}}
 * the node of its first client.
 *
 * <p>The child line first configures the pool ({@code aep:pool <name> --skip-init})
 * and only then activates the backend, so the child never opens (and resets) the
 * default pool on the shared backend on the way.
 *
 * <p>Thread-safety: not thread-safe; one thread starts and awaits a group.
 * Ownership: the group owns its child processes and their log files; {@link #close()}
 * kills children still running and deletes the logs.
 */
public final class ProcessGroup implements AutoCloseable {
    /** System property naming the runtime jar when it is not this JVM's class path. */
    public static final String JAR_PROPERTY = "aepdsm.jar";

    /**
     * One child. Immutable apart from the process it names.
     *
     * @param index       its index in the group
     * @param firstClient its first client id
     * @param clients     its number of client ids
     * @param node        the node of its first client
     * @param line        the command line it runs
     * @param process     the process
     * @param log         the file its stdout and stderr go to
     */
    public record Child(int index, int firstClient, int clients, int node, String line, Process process, Path log) {
    }

    /**
     * A finished child.
     *
     * @param child    the child
     * @param exitCode its exit code (-1 if it had to be killed after the timeout)
     * @param output   what it printed
     */
    public record Result(Child child, int exitCode, String output) {
        /** Whether it exited 0. */
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private final List<Child> children;
    private final Path dir;

    private ProcessGroup(List<Child> children, Path dir) {
        this.children = children;
        this.dir = dir;
    }

    /**
     * The command line that runs this JVM's runtime jar: the java binary of this process and the jar named by
     * {@value #JAR_PROPERTY} or, when started with {@code java -jar}, the class path.
     *
     * @throws AepException ENOENT when no runtime jar can be found
     */
    public static List<String> runtimeCommand() {
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String jar = System.getProperty(JAR_PROPERTY);
        if (jar == null) {
            String cp = System.getProperty("java.class.path", "");
            jar = cp.endsWith(".jar") && !cp.contains(File.pathSeparator) ? cp : null;
        }
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new AepException(Errno.ENOENT, "no runtime jar to start clients with: set -D" + JAR_PROPERTY
                    + "=<path of aepdsm.jar> or start this runtime with java -jar");
        }
        return List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-Xshare:auto", "-jar", Path.of(jar).toAbsolutePath().toString());
    }

    /** The script of child {@code index} with its placeholders filled in. */
    static String expand(String script, int index, int firstClient, int clients, int node) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < script.length()) {
            int open = script.indexOf('{', i);
            int close = open < 0 ? -1 : script.indexOf('}', open);
            if (open < 0 || close < 0) {
                b.append(script, i, script.length());
                break;
            }
            b.append(script, i, open);
            String key = script.substring(open + 1, close);
            String value = switch (key) {
                case "i" -> Integer.toString(index);
                case "c" -> Integer.toString(firstClient);
                case "k" -> Integer.toString(clients);
                case "node" -> Integer.toString(node);
                default -> key.startsWith("c+") && key.substring(2).chars().allMatch(Character::isDigit)
                        && key.length() > 2 ? Integer.toString(firstClient + Integer.parseInt(key.substring(2))) : null;
            };
            b.append(value != null ? value : script.substring(open, close + 1));
            i = close + 1;
        }
        return b.toString();
    }

    /**
     * Starts {@code n} children on the pool.
     *
     * @param command  the command that starts a runtime ({@link #runtimeCommand()})
     * @param n        the number of children, 1 up to the number of clients
     * @param backend  the backend the children activate (the pool's)
     * @param poolName the pool, formatted by another process
     * @param topology the pool's topology
     * @param script   the command line each child runs, with placeholders
     * @throws AepException EINVAL for a bad count, EIO if a child cannot be started
     */
    public static ProcessGroup start(List<String> command, int n, String backend, String poolName, Topology topology,
            String script) {
        Objects.requireNonNull(script, "script");
        if (n < 1 || n > topology.clients()) {
            throw new AepException(Errno.EINVAL, "client process count " + n + " is not in 1.." + topology.clients());
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("aepdsm-clients");
        } catch (IOException e) {
            throw new AepException(Errno.EIO, "cannot make a directory for client logs: " + e.getMessage(), e);
        }
        int k = topology.clients() / n;
        List<Child> started = new ArrayList<>();
        ProcessGroup group = new ProcessGroup(started, dir);
        try {
            for (int i = 0; i < n; i++) {
                int first = i * k;
                int node = first / topology.clientsPerNode();
                String line = "aep:pool " + poolName + " --skip-init; aep:use " + backend + "; "
                        + expand(script, i, first, k, node);
                List<String> cmd = new ArrayList<>(command);
                cmd.add(line);
                Path log = dir.resolve("client-" + i + ".log");
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                started.add(new Child(i, first, k, node, line, p, log));
            }
        } catch (IOException e) {
            group.close();
            throw new AepException(Errno.EIO, "cannot start client process " + started.size() + ": "
                    + e.getMessage(), e);
        }
        return group;
    }

    /** The children, in index order. */
    public List<Child> children() {
        return List.copyOf(children);
    }

    /** Waits for every child, killing those still running after {@code timeoutSeconds}. */
    public List<Result> await(long timeoutSeconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        List<Result> results = new ArrayList<>();
        for (Child c : children) {
            int code;
            try {
                long left = deadline - System.nanoTime();
                if (c.process().waitFor(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                    code = c.process().exitValue();
                } else {
                    c.process().destroyForcibly().waitFor();
                    code = -1;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                c.process().destroyForcibly();
                code = -1;
            }
            String out;
            try {
                out = Files.readString(c.log(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                out = "(no output: " + e.getMessage() + ")";
            }
            results.add(new Result(c, code, out));
        }
        return results;
    }

    /** Kills children still running and deletes the logs. */
    @Override
    public void close() {
        for (Child c : children) {
            if (c.process().isAlive()) {
                c.process().destroyForcibly();
            }
        }
        for (Child c : children) {
            try {
                c.process().waitFor(10, TimeUnit.SECONDS);
                Files.deleteIfExists(c.log());
            } catch (IOException | InterruptedException e) {
                // A log that cannot be deleted stays in the temporary directory; nothing depends on it.
            }
        }
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // As above: a leftover empty temporary directory is harmless.
        }
    }
}

package org.aepdsm.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the peers and the chart writer in a child JVM. The bundle carries the peer libraries and its own peer
 * classes under {@code peer-lib/} (listed in {@code peer-lib/classpath.txt}); they are copied once into a cache
 * directory and form the child's class path. The child runs {@code org.aepdsm.bench.peer.PeerRunner} with the JVM
 * options the libraries need on this JDK (Chronicle Map's opens and exports, Arrow's {@code java.nio} access,
 * headless AWT for charts).
 *
 * <p>Why a child JVM: Chronicle Map needs {@code --add-opens} that a running framework cannot grant, Arrow and
 * XChart have no OSGi headers, and a separate JVM keeps the peers' heaps and threads away from the framework's.
 *
 * <p>Thread-safe: each call starts its own process; the cache is filled under a lock.
 */
public final class PeerLauncher {
    /** The peer entry point. */
    public static final String MAIN = "org.aepdsm.bench.peer.PeerRunner";
    /** The jar of this bundle's peer classes, beside the libraries. */
    public static final String PEER_JAR = "aepdsm-bench-peers.jar";
    private static final String LIST = "peer-lib/classpath.txt";

    /** The options the peer libraries need on JDK 25. */
    public static final List<String> LIBRARY_OPTIONS = List.of(
            "--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow",
            "-Djava.awt.headless=true",
            "-Dchronicle.analytics.disable=true",
            "-Dchronicle.disk.monitor.disable=true",
            "-Dio.netty.tryReflectionSetAccessible=true",
            "-Darrow.allocation.manager.type=Netty",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED");

    private final Path cache;
    private final List<String> jvmOptions;
    private final long timeoutSeconds;
    private List<Path> classPath;

    /**
     * @param cache          where the peer jars are copied
     * @param jvmOptions     extra options for the child (heap size, GC), before {@link #LIBRARY_OPTIONS}
     * @param timeoutSeconds how long one child may run before it is stopped
     */
    public PeerLauncher(Path cache, List<String> jvmOptions, long timeoutSeconds) {
        this.cache = cache;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.timeoutSeconds = timeoutSeconds;
    }

    /**
     * Measures the peers of {@code benchmark}, echoing the child's progress lines to {@code out}.
     *
     * @return every peer's result; when the child cannot run at all, one result per known peer naming why
     */
    public List<PeerResult> peers(String benchmark, List<String> args, PrintStream out) {
        List<String> command = new ArrayList<>();
        command.add(benchmark);
        command.addAll(args);
        Map<String, List<Figure>> figures = new LinkedHashMap<>();
        Map<String, String> unavailable = new LinkedHashMap<>();
        String failure;
        try {
            failure = launch(command, line -> {
                if (line.startsWith("PEER\t")) {
                    String[] f = line.split("\t", -1);
                    if (f.length >= 4 && f[2].equals("unavailable")) {
                        unavailable.put(f[1], f[3]);
                        out.println("  peer " + f[1] + ": unavailable (" + f[3] + ")");
                    } else if (f.length >= 7 && f[2].equals("ok")) {
                        figures.computeIfAbsent(f[1], k -> new ArrayList<>()).add(new Figure(f[3],
                                Double.parseDouble(f[4]), f[5], f[6].equals("higher")));
                    }
                } else {
                    out.println("  " + line);
                }
                out.flush();
            });
        } catch (IOException e) {
            failure = "cannot start the peer JVM: " + e.getMessage();
        }
        List<PeerResult> results = new ArrayList<>();
        figures.forEach((peer, fs) -> {
            if (!unavailable.containsKey(peer)) {
                results.add(new PeerResult(peer, fs, null));
            }
        });
        unavailable.forEach((peer, why) -> results.add(new PeerResult(peer, List.of(), why)));
        if (failure != null) {
            results.add(new PeerResult("peer-jvm", List.of(), failure));
        }
        return results;
    }

    /**
     * Draws a bar chart as PNG.
     *
     * @return null when written, else why not
     */
    public String chart(Path png, String title, String yAxis, Map<String, Double> bars) {
        List<String> command = new ArrayList<>(List.of("chart", png.toString(), title, yAxis));
        bars.forEach((label, value) -> {
            command.add(label);
            command.add(Double.toString(value));
        });
        try {
            String failure = launch(command, line -> { });
            if (failure == null && !Files.isRegularFile(png)) {
                return "the chart writer exited without writing " + png;
            }
            return failure;
        } catch (IOException e) {
            return "cannot start the chart JVM: " + e.getMessage();
        }
    }

    /** Runs the child; returns null on exit 0, else the reason with the tail of its stderr. */
    private String launch(List<String> mainArgs, java.util.function.Consumer<String> lines) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable());
        cmd.addAll(jvmOptions);
        cmd.addAll(LIBRARY_OPTIONS);
        cmd.add("-cp");
        cmd.add(String.join(java.io.File.pathSeparator, classPath().stream().map(Path::toString).toList()));
        cmd.add(MAIN);
        cmd.addAll(mainArgs);
        Path err = Files.createTempFile("aepdsm-peer", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                Thread reader = Thread.ofPlatform().daemon().start(() -> {
                    try {
                        for (String line = r.readLine(); line != null; line = r.readLine()) {
                            lines.accept(line);
                        }
                    } catch (IOException ignored) {
                        // The process ended or was stopped; its exit status tells what happened.
                    }
                });
                boolean ended = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
                if (!ended) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                    reader.join(5000);
                    return "the peer JVM ran over " + timeoutSeconds + " s and was stopped";
                }
                reader.join(10000);
                if (p.exitValue() != 0) {
                    return "the peer JVM exited with status " + p.exitValue() + ": " + tail(err);
                }
                return null;
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                return "interrupted while the peer JVM ran";
            }
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static String tail(Path err) throws IOException {
        List<String> all = Files.readAllLines(err, StandardCharsets.UTF_8);
        List<String> useful = all.stream().filter(l -> !l.startsWith("WARNING:")).toList();
        List<String> last = useful.subList(Math.max(0, useful.size() - 6), useful.size());
        return String.join(" | ", last).strip();
    }

    private static String javaExecutable() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        if (Files.isExecutable(java)) {
            return java.toString();
        }
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** The peer jars, copied from this bundle into the cache on first use. */
    synchronized List<Path> classPath() throws IOException {
        if (classPath != null) {
            return classPath;
        }
        ClassLoader loader = PeerLauncher.class.getClassLoader();
        List<String> entries = new ArrayList<>();
        try (InputStream in = loader.getResourceAsStream(LIST)) {
            if (in == null) {
                throw new IOException("this bundle carries no " + LIST);
            }
            for (String e : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip().split(",")) {
                if (!e.isBlank()) {
                    entries.add(e.strip());
                }
            }
        }
        entries.add("peer-lib/" + PEER_JAR);
        Files.createDirectories(cache);
        List<Path> paths = new ArrayList<>();
        for (String e : entries) {
            Path target = cache.resolve(e.substring(e.lastIndexOf('/') + 1));
            try (InputStream in = loader.getResourceAsStream(e)) {
                if (in == null) {
                    throw new IOException("this bundle lacks " + e);
                }
                Path tmp = Files.createTempFile(cache, "copy", ".jar");
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            paths.add(target);
        }
        classPath = List.copyOf(paths);
        return classPath;
    }
}

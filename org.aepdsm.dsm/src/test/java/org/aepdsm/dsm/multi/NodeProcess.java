package org.aepdsm.dsm.multi;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link NodeMain} JVM and its command channel, for tests. */
final class NodeProcess implements AutoCloseable {
    final int id;
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();

    NodeProcess(String cluster, int id, int port, String ports, Path logDir) throws IOException {
        this.id = id;
        String java = ProcessHandle.current().info().command()
                .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true",
                "-cp", System.getProperty("java.class.path"), NodeMain.class.getName(), cluster,
                String.valueOf(id), String.valueOf(port), ports));
        process = new ProcessBuilder(cmd).redirectError(logDir.resolve("node-" + id + ".err").toFile()).start();
        stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread.ofPlatform().daemon().name("node-" + id + "-stdout").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    if (line.startsWith(">>")) {
                        replies.add(line.substring(2));
                    }
                }
            } catch (IOException e) {
                replies.add("ERR EXC stdout closed: " + e);
            }
        });
    }

    /** Waits for the node's first line, written once it joined. */
    void awaitReady(long ms) {
        String r = take(ms, "ready");
        if (!r.startsWith("OK ready")) {
            throw new AssertionError("node " + id + " did not start: " + r);
        }
    }

    /** Sends a command without waiting for its reply. */
    void send(String command) {
        try {
            stdin.write(command + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new AssertionError("node " + id + " does not take commands: " + e);
        }
    }

    /** The next reply: "OK ..." or "ERR ...". */
    String take(long ms, String what) {
        try {
            String r = replies.poll(ms, TimeUnit.MILLISECONDS);
            if (r == null) {
                throw new AssertionError("node " + id + " gave no reply to '" + what + "' within " + ms + " ms");
            }
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    /** Runs a command and returns the text after "OK ", failing on an error reply. */
    String ok(String command) {
        send(command);
        String r = take(60_000, command);
        if (!r.startsWith("OK")) {
            throw new AssertionError("node " + id + ": '" + command + "' failed: " + r);
        }
        return r.length() > 3 ? r.substring(3) : "";
    }

    /** Runs a command expected to fail and returns the error reply. */
    String err(String command) {
        send(command);
        String r = take(60_000, command);
        if (!r.startsWith("ERR")) {
            throw new AssertionError("node " + id + ": '" + command + "' should have failed but gave " + r);
        }
        return r;
    }

    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            send("exit");
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}

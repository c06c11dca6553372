package org.aepdsm.allocator;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.api.memory.SharedPool;
import org.aepdsm.api.memory.SharedPoolSpec;
import org.aepdsm.api.ownership.Topology;
import org.aepdsm.backend.os.NativeMachine;

/**
 * A measurement, not a test: the cost of one hop of a single object between two OS processes, through the
 * pool (SEND in one process, RECV in the other, AEP transfer_bench's single mode, client 1 and client 2) and
 * through TCP loopback (a ping-pong of object_size bytes between the same two processes), in one run.
 * Usage: {@code TransferHops [rounds [object_size]]}; the second process is this class with {@code echo}.
 */
public final class TransferHops {
    private TransferHops() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("echo")) {
            echo(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        String name = "aepdsm-hops-" + ProcessHandle.current().pid();
        NativeMachine machine = new NativeMachine(new NativeMachine.Settings(2L << 20, Path.of("/dev/shm")));
        try (SharedPool pool = machine.openSharedPool(new SharedPoolSpec(name, 64L << 20, false));
                ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AepAllocator a = AepAllocator.open(pool.segment(), new Topology(2, 20), 512, false,
                    new PrintStream(OutputStream.nullOutputStream()));
            a.init();
            String java = ProcessHandle.current().info().command().orElseThrow();
            Process peer = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                    System.getProperty("java.class.path"), TransferHops.class.getName(), "echo", name,
                    Integer.toString(server.getLocalPort()), Integer.toString(rounds), Integer.toString(size)))
                    .inheritIO().start();
            MemorySegment mem = pool.segment();
            long h = a.call(ShadowEntry.MALLOC, 1, size, 0, 0);
            long data = h & ((1L << 48) - 1);
            for (int pass = 0; pass < 2; pass++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < rounds; i++) {
                    mem.set(ValueLayout.JAVA_LONG, data + 8, i);
                    if (a.call(ShadowEntry.SEND, 1, 2, h, 0) != 1) {
                        throw new IllegalStateException("send failed at round " + i);
                    }
                    long back;
                    while ((back = a.call(ShadowEntry.RECV, 1, 2, 0, 0)) < 0) {
                        Thread.onSpinWait();
                    }
                    if (back != h || mem.get(ValueLayout.JAVA_LONG, data + 8) != i + 1) {
                        throw new IllegalStateException("payload mismatch at round " + i);
                    }
                }
                long ns = System.nanoTime() - t0;
                System.out.printf(Locale.ROOT, "%s pool hops: %d rounds, %d transfers, %.1f ns/transfer%n",
                        pass == 0 ? "warm-up" : "[single-object, 2 processes]", rounds, 2L * rounds,
                        (double) ns / (2L * rounds));
            }
            try (Socket s = server.accept()) {
                s.setTcpNoDelay(true);
                DataInputStream in = new DataInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                byte[] buf = new byte[size];
                for (int pass = 0; pass < 2; pass++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < rounds; i++) {
                        buf[0] = (byte) i;
                        out.write(buf);
                        in.readFully(buf);
                    }
                    long ns = System.nanoTime() - t0;
                    System.out.printf(Locale.ROOT, "%s TCP loopback ping-pong of %d bytes: %.1f ns/transfer%n",
                            pass == 0 ? "warm-up" : "[tcp, 2 processes]", size, (double) ns / (2L * rounds));
                }
            }
            peer.waitFor();
        } finally {
            machine.shutdown();
            Files.deleteIfExists(Path.of("/dev/shm", name));
        }
    }

    private static void echo(String name, int port, int rounds, int size) throws Exception {
        NativeMachine machine = new NativeMachine(new NativeMachine.Settings(2L << 20, Path.of("/dev/shm")));
        try (SharedPool pool = machine.openSharedPool(new SharedPoolSpec(name, 0, true))) {
            AepAllocator a = AepAllocator.open(pool.segment(), new Topology(2, 20), 512, true,
                    new PrintStream(OutputStream.nullOutputStream()));
            MemorySegment mem = pool.segment();
            for (int n = 0; n < 2 * rounds; n++) {
                long h;
                while ((h = a.call(ShadowEntry.RECV, 2, 1, 0, 0)) < 0) {
                    Thread.onSpinWait();
                }
                long data = h & ((1L << 48) - 1);
                mem.set(ValueLayout.JAVA_LONG, data + 8, mem.get(ValueLayout.JAVA_LONG, data + 8) + 1);
                if (a.call(ShadowEntry.SEND, 2, 1, h, 0) != 1) {
                    throw new IllegalStateException("echo send failed");
                }
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setTcpNoDelay(true);
                InputStream in = s.getInputStream();
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                byte[] buf = new byte[size];
                DataInputStream din = new DataInputStream(in);
                for (int n = 0; n < 2 * rounds; n++) {
                    din.readFully(buf);
                    out.write(buf);
                }
            }
        } finally {
            machine.shutdown();
        }
    }
}

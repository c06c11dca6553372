package org.aepdsm.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Locale;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.bench.internal.PoolBytes;

/**
 * transfer_bench's single-object ping-pong with the two clients in two OS processes on one shared pool: this
 * process is the sender (client {@code src}), a child runtime attached to the same pool with {@code --skip-init} is
 * the receiver (client {@code dst}). Afterwards the same two processes hand {@code object_size} bytes back and forth
 * over TCP loopback for the same number of rounds, so the pool hop has its reference in the same run.
 *
 * <pre>
 *  this process (sender, src)                 child runtime (receiver, dst)
 *  set seq, checksum; SEND src->dst  ------>  RECV dst<-src; check magic, checksum
 *  RECV src<-dst; check seq          <------  SEND dst->src
 *  ... warm-up + rounds, then the same count of TCP write/readFully pairs of object_size bytes
 * </pre>
 *
 * <p>Both sides spin on EAGAIN; the sender gives up (EIO, with the child's output) when the child exits or no
 * message arrives in time. Not thread-safe; one run per instance.
 */
public final class CrossProcessTransfer {
    /** How long the first message may take: the child runtime starts and attaches in this time. */
    static final long FIRST_MESSAGE_NANOS = 120_000_000_000L;
    /** How long any later message may take. */
    static final long MESSAGE_NANOS = 20_000_000_000L;
    private static final long EAGAIN = -Errno.EAGAIN.code();

    private CrossProcessTransfer() {
    }

    /** What a cross-process run measured. */
    record Result(long poolNanos, long tcpNanos, long childPid) {
    }

    /**
     * The child's command line: attach to {@code pool} on the native backend and run the receiver.
     */
    static String childLine(String pool, int hops, long objectSize, int src, int dst, int tcpPort) {
        return "aep:pool " + pool + " --skip-init; aep:use native; aep:bench transfer_receiver " + hops + " "
                + Long.toUnsignedString(objectSize) + " --src=" + src + " --dst=" + dst + " --pool=" + pool
                + " --tcp-port=" + tcpPort;
    }

    /**
     * The sender side: {@code warmup} untimed and {@code rounds} timed round trips of {@code obj} through the pool,
     * then as many over TCP.
     *
     * @return the timings; the object is back at {@code src}
     * @throws AepException EIO when the child fails or a message never comes, or the entry's errno
     */
    static Result send(ShadowEntry entry, long obj, long objectSize, int src, int dst, int warmup, int rounds,
            String pool, List<String> runtimeCommand) {
        EntryCalls calls = new EntryCalls(entry.onThisThread());
        PoolBytes bytes = new PoolBytes(entry.memory());
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                RuntimeChild child = RuntimeChild.start(runtimeCommand,
                        childLine(pool, warmup + rounds, objectSize, src, dst, server.getLocalPort()))) {
            String forward = "single-object send failed: " + src + " -> " + dst;
            long h = obj;
            for (int i = 0; i < warmup; i++) {
                h = roundTrip(entry, calls, bytes, h, i, src, dst, forward, child, i == 0);
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < rounds; i++) {
                h = roundTrip(entry, calls, bytes, h, warmup + i, src, dst, forward, child, warmup == 0 && i == 0);
            }
            long poolNanos = System.nanoTime() - t0;
            if (h != obj) {
                throw EntryCalls.selfCheck("single-object handle changed across processes: 0x" + Long.toHexString(h)
                        + " is not 0x" + Long.toHexString(obj));
            }
            long tcpNanos = tcpPingPong(server, (int) Math.min(objectSize, 1 << 20), warmup, rounds, child);
            int code = child.await(60);
            if (code != 0) {
                throw new AepException(Errno.EIO, "receiver process " + child.pid() + " exited " + code + ":\n"
                        + child.output());
            }
            return new Result(poolNanos, tcpNanos, child.pid());
        } catch (IOException e) {
            throw new AepException(Errno.EIO, "TCP loopback hand-off failed: " + e.getMessage(), e);
        }
    }

    private static long roundTrip(ShadowEntry entry, EntryCalls calls, PoolBytes bytes, long h, long seq, int src,
            int dst, String forward, RuntimeChild child, boolean first) {
        bytes.setLong(h, TransferBench.OFF_SEQ, seq);
        bytes.setLong(h, TransferBench.OFF_SUM, TransferBench.checksumFor(seq));
        calls.send(src, dst, h, forward);
        long back = awaitMessage(entry, src, dst, first ? FIRST_MESSAGE_NANOS : MESSAGE_NANOS, child);
        if (bytes.getLong(back, TransferBench.OFF_SEQ) != seq) {
            throw EntryCalls.selfCheck("single-object payload mismatch at round " + seq + " (cross-process)");
        }
        return back;
    }

    /** RECV polled until a message arrives, the child exits or the patience runs out. */
    private static long awaitMessage(ShadowEntry entry, int client, int source, long patienceNanos,
            RuntimeChild child) {
        long h = entry.call(ShadowEntry.RECV, client, source, 0, 0);
        if (h > 0) {
            return h;
        }
        long started = System.nanoTime();
        for (long spins = 0; ; spins++) {
            if (h > 0) {
                return h;
            }
            if (h != EAGAIN) {
                throw new AepException(h == 0 ? Errno.EINVAL : Errno.of(h), "recv failed: client " + client
                        + " from " + source + " returned " + h);
            }
            if ((spins & 0x3ff) == 0x3ff) {
                if (child != null && !child.alive()) {
                    throw new AepException(Errno.EIO, "receiver process " + child.pid() + " exited "
                            + child.await(0) + " before answering:\n" + child.output());
                }
                if (System.nanoTime() - started > patienceNanos) {
                    throw new AepException(Errno.EIO, "recv: client " + client + " waited "
                            + patienceNanos / 1_000_000_000L + " s for a message from client " + source
                            + (child != null ? "; receiver process output:\n" + child.output() : ""));
                }
            }
            Thread.onSpinWait();
            h = entry.call(ShadowEntry.RECV, client, source, 0, 0);
        }
    }

    private static long tcpPingPong(ServerSocket server, int size, int warmup, int rounds, RuntimeChild child)
            throws IOException {
        server.setSoTimeout((int) (MESSAGE_NANOS / 1_000_000L));
        try (Socket s = server.accept()) {
            s.setTcpNoDelay(true);
            s.setSoTimeout((int) (MESSAGE_NANOS / 1_000_000L));
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[size];
            for (int i = 0; i < warmup; i++) {
                buf[0] = (byte) i;
                out.write(buf);
                in.readFully(buf);
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < rounds; i++) {
                buf[0] = (byte) i;
                out.write(buf);
                in.readFully(buf);
                if (buf[0] != (byte) i) {
                    throw EntryCalls.selfCheck("TCP loopback payload mismatch at round " + i);
                }
            }
            return System.nanoTime() - t0;
        } catch (IOException e) {
            throw new IOException(e.getMessage() + "; receiver process " + child.pid() + " output:\n"
                    + child.output(), e);
        }
    }

    /**
     * The receiver side, in the child: {@code hops} times take the object from {@code src}, check its magic and
     * checksum and send it back; then echo {@code hops} TCP messages of {@code object_size} bytes.
     *
     * @throws AepException EIO when a message never comes or a check fails, or the entry's errno
     */
    static String receive(ShadowEntry entry, int hops, long objectSize, int src, int dst, int tcpPort) {
        EntryCalls calls = new EntryCalls(entry.onThisThread());
        PoolBytes bytes = new PoolBytes(entry.memory());
        String back = "single-object send failed: " + dst + " -> " + src;
        for (int i = 0; i < hops; i++) {
            long h = awaitMessage(entry, dst, src, i == 0 ? FIRST_MESSAGE_NANOS : MESSAGE_NANOS, null);
            if (bytes.getLong(h, TransferBench.OFF_MAGIC) != TransferBench.MAGIC
                    || bytes.getLong(h, TransferBench.OFF_SUM) != TransferBench.checksumFor(
                            bytes.getLong(h, TransferBench.OFF_SEQ))) {
                throw EntryCalls.selfCheck("single-object payload mismatch at round " + i + " (receiver)");
            }
            calls.send(dst, src, h, back);
        }
        int size = (int) Math.min(objectSize, 1 << 20);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), tcpPort)) {
            s.setTcpNoDelay(true);
            s.setSoTimeout((int) (MESSAGE_NANOS / 1_000_000L));
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[size];
            for (int i = 0; i < hops; i++) {
                in.readFully(buf);
                out.write(buf);
            }
        } catch (IOException e) {
            throw new AepException(Errno.EIO, "receiver: TCP loopback echo on port " + tcpPort + " failed: "
                    + e.getMessage(), e);
        }
        return String.format(Locale.ROOT, "receiver pid %d: %d round trips as client %d, %d TCP echoes",
                ProcessHandle.current().pid(), hops, dst, hops);
    }

    /** Prints the cross-process lines after the original's single-object section. */
    static void print(PrintStream out, Result r, int rounds, long objectSize, int src, int dst, String pool) {
        double hops = 2.0 * rounds;
        double poolHop = r.poolNanos() / hops;
        double tcpHop = r.tcpNanos() / hops;
        out.println(String.format(Locale.ROOT,
                "[single-object, 2 processes] sender pid %d (client %d) <-> receiver pid %d (client %d), native "
                        + "pool %s: %.2f ns/hop (one-way)", ProcessHandle.current().pid(), src, r.childPid(), dst,
                pool, poolHop));
        out.println(String.format(Locale.ROOT,
                "[tcp loopback, 2 processes] this process <-> receiver pid %d, %d-byte ping-pong: %.2f ns/hop "
                        + "(one-way)", r.childPid(), Math.min(objectSize, 1 << 20), tcpHop));
        out.println(String.format(Locale.ROOT, "  pool/tcp = %.3f (%s hop %.2fx faster)", poolHop / tcpHop,
                poolHop <= tcpHop ? "pool" : "tcp", poolHop <= tcpHop ? tcpHop / poolHop : poolHop / tcpHop));
        out.flush();
    }
}

package org.aepdsm.dsm.cluster;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.locks.LockSupport;

/**
 * Direct loopback TCP links that carry the unicast frames between members, beside the JGroups channel
 * that keeps the membership and carries multicasts.
 *
 * <pre>
 *   node X ── X's outbound socket (X -> Y only) ──> node Y      one reader thread per inbound socket
 *   node X <── Y's outbound socket (Y -> X only) ── node Y
 *
 *   stream  = [magic i32][sender node id i32] then frames
 *   frame   = [length i32][length bytes]
 * </pre>
 *
 * <p>Why not JGroups for these frames: a page fault is a request and a response of a few bytes or one
 * page, and on a loaded machine each protocol layer, thread hand-off and bundler of the general stack
 * costs more than the loopback round trip itself. A link is a socket with TCP_NODELAY: the sending
 * thread writes the frame, and the receiving node's reader thread hands it to the sink, no queue between.
 *
 * <p>Order: every frame from X to Y goes through X's single outbound socket to Y, so frames of one
 * sender arrive in the order they were sent, one at a time, as the page protocol requires. Frames of
 * different senders are delivered concurrently by their own reader threads.
 *
 * <p>Call links carry requests that wait for their answer (the page protocol's faults, fetches and
 * invalidations). A call link is a socket used by one calling thread at a time, in both directions:
 *
 * <pre>
 *   caller thread ── request frame ──> call link ──> the link's own serving thread (may block)
 *   caller thread <── response frame ─ call link <──┘
 *
 *   stream = [call magic i32][sender node id i32] then request, response, request, response...
 * </pre>
 *
 * The calling thread reads its response from the socket itself, as a plain TCP ping-pong does: no reader
 * thread wakes it, and the serving thread at the other end may block (it serves only this link), so the
 * request is served there without a hand-off to a worker. Idle call links are pooled per node; a
 * concurrent caller opens another. Responses on call links are not ordered with the one-way frames
 * above: the page protocol orders what must be ordered itself (grant sequence numbers).
 *
 * <p>Only loopback: the server socket binds to the node's loopback address and links only connect to
 * addresses {@link ClusterConfig#loopback} accepts.
 *
 * <p>Thread-safe. Owns its server socket, sockets and reader threads; {@link #close()} ends them all.
 */
final class PeerLinks implements AutoCloseable {
    private static final int MAGIC = 0x44534d4c;
    private static final int CALL_MAGIC = 0x44534d43;
    /**
     * How long a caller polls its socket for the answer before it blocks in a read: a page answer comes back
     * in about one loopback round trip (tens of microseconds), and a thread woken from a blocking read adds
     * its own wake-up to every fault. Polling is bounded, so a slow answer costs at most this much CPU.
     */
    static final long ANSWER_SPIN_NANOS = 50_000L;
    /** How often overdue calls are looked for: a timeout fires up to this much late. */
    private static final long WATCH_INTERVAL_NANOS = 100_000_000L;
    private static final int MAX_FRAME = 64 << 20;
    /** How long {@link #close()} waits for the accepting thread to leave. */
    private static final long ACCEPTOR_EXIT_MILLIS = 5000;
    private static final System.Logger LOG = System.getLogger(PeerLinks.class.getName());

    /** Receives frames on a link's reader thread. */
    interface Inbound {
        void frame(int from, ByteBuffer frame);
    }

    /** Serves requests of call links, each on its link's own thread, which may block. */
    interface Served {
        /** Serves one request; must hand exactly one response to {@code responder}, on this thread. */
        void call(int from, ByteBuffer request, GroupChannel.Responder responder);
    }

    /**
     * The calling end of one call link: used by one thread at a time, between {@link #openCall} and
     * {@link #releaseCall} or {@link #discardCall}.
     */
    static final class CallEnd {
        final int node;
        private final Socket socket;
        private final DataOutputStream out;
        private final DataInputStream in;
        private volatile boolean closed;
        /** When the response being read is overdue (System.nanoTime), or 0 while no read is under way. */
        private volatile long deadline;
        private volatile boolean timedOut;

        CallEnd(int node, Socket socket) throws IOException {
            this.node = node;
            this.socket = socket;
            this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
            this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
        }

        /** Writes one request. */
        void write(byte[] frame) throws IOException {
            out.writeInt(frame.length);
            out.write(frame);
            out.flush();
        }

        /**
         * Reads the response to the request written last.
         *
         * @throws SocketTimeoutException when it did not come within {@code timeoutNanos}
         */
        ByteBuffer read(long timeoutNanos) throws IOException {
            long now = System.nanoTime();
            deadline = now + timeoutNanos;
            try {
                long spinUntil = now + ANSWER_SPIN_NANOS;
                while (in.available() < 4 && System.nanoTime() - spinUntil < 0) {
                    Thread.onSpinWait();
                }
                int n = in.readInt();
                if (n < 0 || n > MAX_FRAME) {
                    throw new IOException("response length " + n + " from node " + node + " is outside 0.."
                            + MAX_FRAME);
                }
                byte[] frame = new byte[n];
                in.readFully(frame);
                return ByteBuffer.wrap(frame);
            } catch (IOException e) {
                if (timedOut) {
                    throw new SocketTimeoutException("no response from node " + node + " in time");
                }
                throw e;
            } finally {
                deadline = 0;
            }
        }

        /** Closes the link if its read is overdue; the reader then fails with a timeout. */
        void expireIfOverdue(long now) {
            long d = deadline;
            if (d != 0 && now - d > 0) {
                timedOut = true;
                close();
            }
        }

        void close() {
            closed = true;
            closeQuietly(socket);
        }
    }

    /** One outbound socket; its monitor orders the writes of concurrent senders. */
    private static final class Outbound {
        final InetSocketAddress to;
        Socket socket;
        DataOutputStream out;

        Outbound(InetSocketAddress to) {
            this.to = to;
        }

        void closeQuietly() {
            Socket s = socket;
            socket = null;
            out = null;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing: nothing more to send on it
                }
            }
        }
    }

    private final int self;
    private final ServerSocket server;
    private final Thread acceptor;
    private final Inbound inbound;
    private final Served served;
    private final Map<Integer, Deque<CallEnd>> idleCalls = new ConcurrentHashMap<>();
    private final Set<CallEnd> callEnds = ConcurrentHashMap.newKeySet();
    private final Map<Integer, Outbound> outbound = new ConcurrentHashMap<>();
    private final Set<Socket> accepted = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** Links that take one-way frames only: a request on a call link closes that link. */
    PeerLinks(int self, InetAddress bind, Inbound inbound) throws IOException {
        this(self, bind, inbound, (from, request, responder) -> {
            throw new IllegalStateException("node " + self + " serves no calls");
        });
    }

    /** Opens the server socket on an ephemeral port of {@code bind} and starts accepting links. */
    PeerLinks(int self, InetAddress bind, Inbound inbound, Served served) throws IOException {
        this.self = self;
        this.inbound = inbound;
        this.served = served;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(bind, 0), 50);
        this.acceptor = Thread.ofPlatform().daemon().name("dsm-links-accept-" + self).start(this::acceptLoop);
        Thread.ofPlatform().daemon().name("dsm-calls-watch-" + self).start(this::watchCalls);
    }

    /**
     * Ends calls whose response is overdue. A watch thread rather than a socket timeout: with a timeout
     * every read of a response costs a failed read and a poll before the read that gets it.
     */
    private void watchCalls() {
        while (!closed) {
            LockSupport.parkNanos(this, WATCH_INTERVAL_NANOS);
            long now = System.nanoTime();
            for (CallEnd c : callEnds) {
                c.expireIfOverdue(now);
            }
        }
    }

    /** Where other members connect. */
    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /**
     * Writes one frame to {@code node}, connecting first if needed. Returns once the bytes are with the
     * kernel.
     *
     * @throws IOException when the node cannot be reached; the link is closed and the next send reconnects
     */
    void send(int node, InetSocketAddress at, byte[] frame) throws IOException {
        Outbound o = outbound.computeIfAbsent(node, n -> new Outbound(at));
        synchronized (o) {
            if (closed) {
                throw new IOException("links of node " + self + " are closed");
            }
            if (outbound.get(node) != o) {
                throw new IOException("the link to node " + node + " was dropped");
            }
            try {
                if (o.socket == null) {
                    ClusterConfig.loopback(at.getAddress().getHostAddress());
                    Socket s = new Socket();
                    s.setTcpNoDelay(true);
                    o.socket = s;
                    connect(s, at);
                    o.out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
                    o.out.writeInt(MAGIC);
                    o.out.writeInt(self);
                }
                o.out.writeInt(frame.length);
                o.out.write(frame);
                o.out.flush();
            } catch (IOException e) {
                o.closeQuietly();
                outbound.remove(node, o);
                throw e;
            }
        }
    }

    /**
     * A call link to {@code node} for the calling thread alone: an idle one, or a new one.
     *
     * @throws IOException when the node cannot be reached
     */
    CallEnd openCall(int node, InetSocketAddress at) throws IOException {
        Deque<CallEnd> idle = idleCalls.computeIfAbsent(node, n -> new ConcurrentLinkedDeque<>());
        for (CallEnd c = idle.pollFirst(); c != null; c = idle.pollFirst()) {
            if (!c.closed) {
                return c;
            }
        }
        if (closed) {
            throw new IOException("links of node " + self + " are closed");
        }
        ClusterConfig.loopback(at.getAddress().getHostAddress());
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            connect(s, at);
            CallEnd c = new CallEnd(node, s);
            c.out.writeInt(CALL_MAGIC);
            c.out.writeInt(self);
            callEnds.add(c);
            if (closed) {
                c.close();
                throw new IOException("links of node " + self + " are closed");
            }
            return c;
        } catch (IOException e) {
            closeQuietly(s);
            throw e;
        }
    }

    /**
     * Connects {@code s} to {@code at}. On loopback, a connection to a port nobody listens on can come back
     * connected to itself (the kernel picked that same port as the source: TCP's simultaneous open); such a
     * socket reaches no member, so it counts as a refused connection.
     *
     * @throws IOException when nothing accepts at {@code at}
     */
    static void connect(Socket s, InetSocketAddress at) throws IOException {
        s.connect(at, 5000);
        if (s.getLocalSocketAddress().equals(s.getRemoteSocketAddress())) {
            throw new ConnectException("nothing listens at " + at + " (the connection reached itself)");
        }
    }

    /** Returns a call link whose last response was read in full to the idle ones. */
    void releaseCall(CallEnd c) {
        if (c.closed) {
            callEnds.remove(c);
            return;
        }
        idleCalls.computeIfAbsent(c.node, n -> new ConcurrentLinkedDeque<>()).offerFirst(c);
        if (closed) {
            discardCall(c);
        }
    }

    /** Closes a call link that failed or whose response is still owed (after a timeout). */
    void discardCall(CallEnd c) {
        c.close();
        callEnds.remove(c);
    }

    /**
     * Closes the links to a node that left; frames still in flight from it are delivered or lost with it,
     * and callers waiting on a call link to it get an IOException.
     */
    void drop(int node) {
        Outbound o = outbound.remove(node);
        if (o != null) {
            synchronized (o) {
                o.closeQuietly();
            }
        }
        idleCalls.remove(node);
        for (CallEnd c : callEnds) {
            if (c.node == node) {
                discardCall(c);
            }
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, "node " + self + " stopped accepting links: " + e);
                }
                return;
            }
            accepted.add(s);
            if (closed) {
                closeQuietly(s);
                return;
            }
            Thread.ofPlatform().daemon().name("dsm-link-" + self).start(() -> read(s));
        }
    }

    private void read(Socket s) {
        try {
            s.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
            int magic = in.readInt();
            if (magic != MAGIC && magic != CALL_MAGIC) {
                LOG.log(System.Logger.Level.WARNING, "node " + self + " refused a link from "
                        + s.getRemoteSocketAddress() + " without the DSM preamble");
                return;
            }
            int from = in.readInt();
            if (magic == CALL_MAGIC) {
                serveCalls(from, s, in);
                return;
            }
            Thread.currentThread().setName("dsm-link-" + from + "-to-" + self);
            for (;;) {
                int n = in.readInt();
                if (n < 0 || n > MAX_FRAME) {
                    LOG.log(System.Logger.Level.WARNING, "node " + self + " closed the link from node " + from
                            + ": frame length " + n + " is outside 0.." + MAX_FRAME);
                    return;
                }
                byte[] frame = new byte[n];
                in.readFully(frame);
                try {
                    inbound.frame(from, ByteBuffer.wrap(frame));
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "node " + self + " failed on a frame from node " + from, e);
                }
            }
        } catch (EOFException e) {
            // the sender closed its link (it left, or dropped us): nothing more comes from it
        } catch (IOException e) {
            if (!closed) {
                LOG.log(System.Logger.Level.DEBUG, "link into node " + self + " ended: " + e);
            }
        } finally {
            accepted.remove(s);
            closeQuietly(s);
        }
    }

    /** The serving end of one call link: request, response, request... on this thread. */
    private void serveCalls(int from, Socket s, DataInputStream in) throws IOException {
        Thread.currentThread().setName("dsm-call-" + from + "-to-" + self);
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
        for (;;) {
            int n = in.readInt();
            if (n < 0 || n > MAX_FRAME) {
                LOG.log(System.Logger.Level.WARNING, "node " + self + " closed a call link from node " + from
                        + ": frame length " + n + " is outside 0.." + MAX_FRAME);
                return;
            }
            byte[] request = new byte[n];
            in.readFully(request);
            boolean[] responded = new boolean[1];
            IOException[] failed = new IOException[1];
            try {
                served.call(from, ByteBuffer.wrap(request), response -> {
                    if (responded[0]) {
                        throw new IllegalStateException("a second response to one request from node " + from);
                    }
                    responded[0] = true;
                    try {
                        out.writeInt(response.length);
                        out.write(response);
                        out.flush();
                    } catch (IOException e) {
                        failed[0] = e;
                    }
                });
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "node " + self + " failed on a call from node " + from, e);
            }
            if (failed[0] != null) {
                throw failed[0];
            }
            if (!responded[0]) {
                // the caller would wait for ever for an answer that is not coming: end the link instead
                LOG.log(System.Logger.Level.WARNING, "node " + self + " closed a call link from node " + from
                        + ": a request got no response");
                return;
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing: nothing more to read
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing: accepting stops either way
        }
        awaitAcceptor();
        for (Integer node : outbound.keySet()) {
            drop(node);
        }
        for (Socket s : accepted) {
            closeQuietly(s);
        }
        for (CallEnd c : callEnds) {
            discardCall(c);
        }
        idleCalls.clear();
    }

    /**
     * Waits for the accepting thread to leave: a listening socket closed while a thread is blocked accepting on it
     * is released only when that thread returns, and until then it still completes connections into its backlog.
     * Once this returns, nothing connects to this node's address.
     */
    private void awaitAcceptor() {
        if (Thread.currentThread() == acceptor) {
            return;
        }
        try {
            acceptor.join(ACCEPTOR_EXIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

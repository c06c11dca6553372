package org.aepdsm.dsm.cluster;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
 * <p>Only loopback: the server socket binds to the node's loopback address and links only connect to
 * addresses {@link ClusterConfig#loopback} accepts.
 *
 * <p>Thread-safe. Owns its server socket, sockets and reader threads; {@link #close()} ends them all.
 */
final class PeerLinks implements AutoCloseable {
    private static final int MAGIC = 0x44534d4c;
    private static final int MAX_FRAME = 64 << 20;
    private static final System.Logger LOG = System.getLogger(PeerLinks.class.getName());

    /** Receives frames on a link's reader thread. */
    interface Inbound {
        void frame(int from, ByteBuffer frame);
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
    private final Inbound inbound;
    private final Map<Integer, Outbound> outbound = new ConcurrentHashMap<>();
    private final Set<Socket> accepted = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** Opens the server socket on an ephemeral port of {@code bind} and starts accepting links. */
    PeerLinks(int self, InetAddress bind, Inbound inbound) throws IOException {
        this.self = self;
        this.inbound = inbound;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(bind, 0), 50);
        Thread.ofPlatform().daemon().name("dsm-links-accept-" + self).start(this::acceptLoop);
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
                    s.connect(at, 5000);
                    o.socket = s;
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

    /** Closes the link to a node that left; frames still in flight from it are delivered or lost with it. */
    void drop(int node) {
        Outbound o = outbound.remove(node);
        if (o != null) {
            synchronized (o) {
                o.closeQuietly();
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
            if (in.readInt() != MAGIC) {
                LOG.log(System.Logger.Level.WARNING, "node " + self + " refused a link from "
                        + s.getRemoteSocketAddress() + " without the DSM preamble");
                return;
            }
            int from = in.readInt();
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
        for (Integer node : outbound.keySet()) {
            drop(node);
        }
        for (Socket s : accepted) {
            closeQuietly(s);
        }
    }
}

package org.aepdsm.dsm.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.dsm.NodeInfo;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.util.ExtendedUUID;

/**
 * One node's JGroups channel: membership by node id, and unicast/multicast of byte frames.
 *
 * <p>Node ids travel inside each member's address (an {@link ExtendedUUID} with key {@code dsm.node},
 * the id in decimal ASCII), and so does the loopback address of the member's {@link PeerLinks}
 * (key {@code dsm.link}, {@code host:port}), so every member maps addresses to ids and links without
 * extra messages. Unicasts to other members go over those links: frames of one sender arrive in order,
 * one at a time. Unicasts to this node itself and multicasts go through JGroups. Frames are handed to
 * the {@link Sink} on a delivery thread (a link's reader, or JGroups'); the sink must not block on other
 * nodes there. Calls ({@link #callStart}, {@link #callFinish}) go over the links' call links: the caller
 * reads its own response, and the {@link CallServer} serves each request on its link's own thread,
 * where it may block.
 *
 * <p>Thread-safe. The channel is owned by this object and closed by {@link #close()}.
 */
public final class GroupChannel implements AutoCloseable {
    private static final String NODE_KEY = "dsm.node";
    private static final String LINK_KEY = "dsm.link";

    /** Receives what arrives on the channel. */
    public interface Sink {
        /** A frame from node {@code from}, on a JGroups delivery thread. */
        void frame(int from, ByteBuffer frame);

        /** The membership changed: {@code joined} and {@code left} are node ids. */
        void membership(Set<Integer> joined, Set<Integer> left);
    }

    /** Serves requests that arrive on call links. */
    public interface CallServer {
        /**
         * Serves one request on the call link's own thread, which may block; hands exactly one response
         * frame to {@code responder}, on this thread, and may go on working after that.
         */
        void call(int from, ByteBuffer request, Responder responder);
    }

    /** Writes the one response to a request that arrived on a call link. */
    public interface Responder {
        void respond(byte[] frame);
    }

    /**
     * A request written on a call link: the thread that wrote it reads the response with
     * {@link #callFinish}, exactly once. Not thread-safe.
     */
    public static final class PendingCall {
        private final int node;
        private final PeerLinks.CallEnd end;
        private final IOException failed;

        private PendingCall(int node, PeerLinks.CallEnd end, IOException failed) {
            this.node = node;
            this.end = end;
            this.failed = failed;
        }

        /** The node the request went to. */
        public int node() {
            return node;
        }
    }

    private final ClusterConfig config;
    private final JChannel channel;
    private final List<Sink> sinks = new CopyOnWriteArrayList<>();
    /** Live members: node id to address. */
    private volatile Map<Integer, Address> members = Map.of();
    /** Link addresses of live members other than this node. */
    private volatile Map<Integer, InetSocketAddress> links = Map.of();
    private final PeerLinks peerLinks;
    /** Every node id ever seen in a view, to tell an unknown node (EINVAL) from a dead one (EAGAIN). */
    private final Map<Integer, String> seen = new ConcurrentHashMap<>();
    private volatile int coordinator = -1;
    private volatile CallServer callServer;

    /** Creates the channel and joins the cluster. */
    public GroupChannel(ClusterConfig config) {
        this.config = config;
        try {
            peerLinks = new PeerLinks(config.nodeId(), config.bindAddress(), this::deliver, this::serve);
        } catch (IOException e) {
            throw new AepException(Errno.EIO, "node " + config.nodeId() + " cannot open its link socket on "
                    + config.bindAddress().getHostAddress() + ": " + e, e);
        }
        try {
            InetSocketAddress link = peerLinks.address();
            byte[] linkText = (link.getAddress().getHostAddress() + ":" + link.getPort())
                    .getBytes(StandardCharsets.US_ASCII);
            channel = new JChannel(LoopbackStack.build(config));
            String name = "node-" + config.nodeId();
            channel.setName(name);
            channel.addAddressGenerator(() -> ExtendedUUID.randomUUID(name)
                    .put(NODE_KEY, Integer.toString(config.nodeId()).getBytes(StandardCharsets.US_ASCII))
                    .put(LINK_KEY, linkText));
            channel.setReceiver(new Receiver() {
                @Override
                public void receive(Message msg) {
                    deliver(nodeOf(msg.getSrc()),
                            ByteBuffer.wrap(msg.getArray(), msg.getOffset(), msg.getLength()).slice());
                }

                @Override
                public void viewAccepted(View view) {
                    accept(view);
                }
            });
        } catch (Exception e) {
            peerLinks.close();
            throw new AepException(Errno.EIO, "cannot build the JGroups stack for cluster '"
                    + config.clusterName() + "': " + e, e);
        }
    }

    private void deliver(int from, ByteBuffer frame) {
        for (Sink sink : sinks) {
            sink.frame(from, frame.duplicate());
        }
    }

    private void serve(int from, ByteBuffer request, Responder responder) {
        CallServer server = callServer;
        if (server == null) {
            throw new IllegalStateException("node " + config.nodeId() + " serves no calls");
        }
        server.call(from, request, responder);
    }

    /** Sets what serves requests arriving on call links. Call before {@link #connect()}. */
    public void serveCalls(CallServer server) {
        callServer = server;
    }

    /** Adds a receiver of frames and membership changes. Call before {@link #connect()}. */
    public void addSink(Sink sink) {
        sinks.add(sink);
    }

    /** Joins the cluster. */
    public void connect() {
        try {
            channel.connect(config.clusterName());
        } catch (Exception e) {
            channel.close();
            peerLinks.close();
            throw new AepException(Errno.EIO, "node " + config.nodeId() + " cannot join cluster '"
                    + config.clusterName() + "' on " + config.bindAddress().getHostAddress() + " port "
                    + config.bindPort() + ": " + e, e);
        }
        View view = channel.getView();
        if (view != null) {
            accept(view);
        }
    }

    private synchronized void accept(View view) {
        Map<Integer, Address> next = new TreeMap<>();
        Map<Integer, InetSocketAddress> nextLinks = new TreeMap<>();
        for (Address a : view.getMembers()) {
            int id = nodeOf(a);
            next.put(id, a);
            seen.putIfAbsent(id, String.valueOf(a));
            if (id != config.nodeId()) {
                nextLinks.put(id, linkOf(a));
            }
        }
        links = Collections.unmodifiableMap(nextLinks);
        Map<Integer, Address> previous = members;
        if (next.keySet().equals(previous.keySet())) {
            members = Collections.unmodifiableMap(next);
            return;
        }
        Set<Integer> joined = new HashSet<>(next.keySet());
        joined.removeAll(previous.keySet());
        Set<Integer> left = new HashSet<>(previous.keySet());
        left.removeAll(next.keySet());
        members = Collections.unmodifiableMap(next);
        coordinator = nodeOf(view.getCoord());
        for (int node : left) {
            peerLinks.drop(node);
        }
        for (Sink sink : sinks) {
            sink.membership(Set.copyOf(joined), Set.copyOf(left));
        }
    }

    private static int nodeOf(Address address) {
        if (address instanceof ExtendedUUID u) {
            byte[] id = u.get(NODE_KEY);
            if (id != null) {
                return Integer.parseInt(new String(id, StandardCharsets.US_ASCII));
            }
        }
        throw new IllegalStateException("member " + address + " carries no DSM node id");
    }

    private static InetSocketAddress linkOf(Address address) {
        byte[] text = address instanceof ExtendedUUID u ? u.get(LINK_KEY) : null;
        if (text == null) {
            throw new IllegalStateException("member " + address + " carries no DSM link address");
        }
        String s = new String(text, StandardCharsets.US_ASCII);
        int colon = s.lastIndexOf(':');
        return new InetSocketAddress(ClusterConfig.loopback(s.substring(0, colon)),
                Integer.parseInt(s.substring(colon + 1)));
    }

    /** This node's id. */
    public int localNode() {
        return config.nodeId();
    }

    /** The configuration this channel was built from. */
    public ClusterConfig config() {
        return config;
    }

    /** The current coordinator's node id, which keeps the region directory. */
    public int coordinator() {
        return coordinator;
    }

    /** Whether a node is a live member. */
    public boolean alive(int node) {
        return members.containsKey(node);
    }

    /** Whether a node was ever a member while this node was. */
    public boolean known(int node) {
        return seen.containsKey(node);
    }

    /** Live member ids, ascending. */
    public List<Integer> liveNodes() {
        return new ArrayList<>(members.keySet());
    }

    /** Every node seen, live ones marked alive, ascending by id. */
    public List<NodeInfo> members() {
        Map<Integer, Address> live = members;
        List<NodeInfo> out = new ArrayList<>();
        for (int id : new TreeMap<>(seen).keySet()) {
            out.add(new NodeInfo(id, "node-" + id, id == config.nodeId(), live.containsKey(id)));
        }
        return out;
    }

    /**
     * Sends a frame to one node.
     *
     * @throws NodeDownException when the node is not a member
     */
    public void send(int node, byte[] frame) {
        if (node != config.nodeId()) {
            InetSocketAddress link = links.get(node);
            if (link == null) {
                throw new NodeDownException(node);
            }
            try {
                peerLinks.send(node, link, frame);
                return;
            } catch (IOException e) {
                // on loopback a link only breaks when its peer's process or node is gone
                throw new NodeDownException(node);
            }
        }
        Address to = members.get(node);
        if (to == null) {
            throw new NodeDownException(node);
        }
        try {
            channel.send(new BytesMessage(to, frame));
        } catch (Exception e) {
            if (!members.containsKey(node)) {
                throw new NodeDownException(node);
            }
            throw new AepException(Errno.EIO, "sending to node " + node + " failed: " + e, e);
        }
    }

    /**
     * Writes a request to another node on a call link held for this thread until {@link #callFinish}.
     * A failure to send is reported by {@code callFinish}, so that requests to several nodes can be
     * written before any response is read.
     *
     * @throws NodeDownException when the node is not a member
     */
    public PendingCall callStart(int node, byte[] request) {
        if (node == config.nodeId()) {
            throw new IllegalArgumentException("node " + node + " calls itself");
        }
        InetSocketAddress link = links.get(node);
        if (link == null) {
            throw new NodeDownException(node);
        }
        PeerLinks.CallEnd end = null;
        try {
            end = peerLinks.openCall(node, link);
            end.write(request);
            return new PendingCall(node, end, null);
        } catch (IOException e) {
            if (end != null) {
                peerLinks.discardCall(end);
            }
            return new PendingCall(node, null, e);
        }
    }

    /**
     * Reads the response to a request written by {@link #callStart} on this thread.
     *
     * @param what names the request in the timeout message
     * @throws NodeDownException when the node left or its link broke (on loopback: its process is gone)
     * @throws AepException EIO when no response came within the configured bound
     */
    public ByteBuffer callFinish(PendingCall call, String what) {
        if (call.failed != null) {
            throw new NodeDownException(call.node);
        }
        try {
            ByteBuffer response = call.end.read(config.rpcTimeoutMs() * 1_000_000L);
            peerLinks.releaseCall(call.end);
            return response;
        } catch (SocketTimeoutException e) {
            peerLinks.discardCall(call.end);
            throw new AepException(Errno.EIO, what + " got no answer within " + config.rpcTimeoutMs() + " ms");
        } catch (IOException e) {
            peerLinks.discardCall(call.end);
            throw new NodeDownException(call.node);
        }
    }

    /** Sends a frame to every member, this node included. */
    public void broadcast(byte[] frame) {
        try {
            channel.send(new BytesMessage(null, frame));
        } catch (Exception e) {
            throw new AepException(Errno.EIO, "multicast in cluster '" + config.clusterName() + "' failed: " + e,
                    e);
        }
    }

    @Override
    public void close() {
        channel.close();
        peerLinks.close();
    }
}

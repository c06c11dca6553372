package org.aepdsm.dsm.coherence;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.dsm.DsmCluster;
import org.aepdsm.api.dsm.DsmRegion;
import org.aepdsm.api.dsm.MigratableTask;
import org.aepdsm.api.dsm.NodeInfo;
import org.aepdsm.api.dsm.TaskInfo;
import org.aepdsm.dsm.cluster.ClusterConfig;
import org.aepdsm.dsm.cluster.Frame;
import org.aepdsm.dsm.cluster.FrameType;
import org.aepdsm.dsm.cluster.GroupChannel;
import org.aepdsm.dsm.cluster.NodeDownException;
import org.aepdsm.dsm.cluster.Requests;
import org.aepdsm.dsm.task.TaskRunner;

/**
 * One DSM node: a cluster member with its regions and tasks. The plain object behind the DS component;
 * tests and benchmarks make several in one JVM.
 *
 * <p>One-way frames arrive on delivery threads (a link's reader, or JGroups'), one sender at a time:
 * responses, region and task frames; that work is short and runs there.
 * The page protocol's requests (PAGE_REQUEST, FETCH, INVALIDATE, PAGE_STATE)
 * arrive on call links and are served on the link's own thread, which may wait for other nodes: the
 * origin serves a fault where it arrived, with no hand-off. Cleanup after a node left runs on a virtual
 * thread.
 *
 * <p>The region directory (name to size and origin) is decided by the coordinator, so that two nodes
 * opening one name agree on its origin; every origin multicasts its regions (REGION) when they are made
 * and whenever members join, so every node, and any later coordinator, knows them.
 *
 * <p>When a region's origin dies, every survivor moves the region (in its directory and its open
 * {@link Region}) to the coordinator of the view that dropped it, which all of them agree on; the
 * coordinator opens the region if it has not, and rebuilds its directory from every live node's copies
 * on a virtual thread (see {@link Region}).
 *
 * <p>Thread-safe. Owns its channel, regions and tasks; {@link #close()} leaves the cluster and frees them.
 */
public final class DsmNode implements DsmCluster, AutoCloseable {
    /** The largest region, so that one node's page-state array stays an int-indexed array of sane size. */
    public static final long MAX_REGION = 1L << 30;

    private record RegionInfo(String name, long size, int origin) {
    }

    private static final System.Logger LOG = System.getLogger(DsmNode.class.getName());

    private final GroupChannel channel;
    private final Requests requests;
    private final FrameSource frames;
    private final TaskRunner tasks;
    private final Map<String, RegionInfo> directory = new ConcurrentHashMap<>();
    private final Map<String, Region> regions = new ConcurrentHashMap<>();
    private final Map<String, Integer> lostPages = new ConcurrentHashMap<>();
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    /** Notified when regions move to a new origin; guards nothing. */
    private final Object moves = new Object();

    private DsmNode(ClusterConfig config, FrameSource frames, ClassLoader taskLoader) {
        this.channel = new GroupChannel(config);
        this.requests = new Requests(channel);
        this.frames = frames;
        this.tasks = new TaskRunner(channel, requests, this::region, taskLoader);
        channel.serveCalls(this::serveCall);
        channel.addSink(new GroupChannel.Sink() {
            @Override
            public void frame(int from, ByteBuffer frame) {
                dispatch(from, frame);
            }

            @Override
            public void membership(Set<Integer> joined, Set<Integer> left) {
                changed(joined, left);
            }
        });
    }

    /** Joins the cluster with the simulated fault path and this bundle's class loader for tasks. */
    public static DsmNode join(ClusterConfig config) {
        return join(config, FrameSource.HEAP, DsmNode.class.getClassLoader());
    }

    /** Joins the cluster. */
    public static DsmNode join(ClusterConfig config, FrameSource frames, ClassLoader taskLoader) {
        DsmNode node = new DsmNode(config, frames, taskLoader);
        node.channel.connect();
        return node;
    }

    @Override
    public int localNode() {
        return channel.localNode();
    }

    @Override
    public List<NodeInfo> members() {
        return channel.members();
    }

    /** Ids of live members, ascending. */
    public List<Integer> liveNodes() {
        return channel.liveNodes();
    }

    @Override
    public DsmRegion region(String name, long size) {
        return openRegion(name, size);
    }

    @Override
    public DsmRegion region(String name) {
        return openRegion(name, 0);
    }

    /** The region as this package's type, with its statistics. */
    public Region openRegion(String name, long size) {
        if (name == null || name.isEmpty() || name.length() > 200) {
            throw new AepException(Errno.EINVAL, "region name '" + name + "' must have 1 to 200 characters");
        }
        if (size != 0 && (size < 0 || size % LocalPages.PAGE_SIZE != 0 || size > MAX_REGION)) {
            throw new AepException(Errno.EINVAL, "size " + size + " of region '" + name
                    + "' is not a positive multiple of 4096 up to " + MAX_REGION);
        }
        Region r = regions.get(name);
        if (r == null) {
            RegionInfo info = directory.get(name);
            if (info == null || size != 0 && info.size() != size) {
                info = open(name, size);
            }
            r = local(info);
        }
        if (size != 0 && r.size() != size) {
            throw new AepException(Errno.EINVAL, "region '" + name + "' has " + r.size() + " bytes, not " + size);
        }
        return r;
    }

    private Region local(RegionInfo info) {
        return regions.computeIfAbsent(info.name(),
                n -> new Region(n, info.size(), info.origin(), channel, requests, frames));
    }

    /** Asks the coordinator for the region, creating it with this node as origin when size is not 0. */
    private RegionInfo open(String name, long size) {
        for (int attempt = 0;; attempt++) {
            int coordinator = channel.coordinator();
            if (coordinator == channel.localNode()) {
                return decide(name, size, coordinator);
            }
            long id = requests.nextId();
            byte[] frame = Frame.of(FrameType.OPEN_REGION, id).str(name).i64(size).array();
            try {
                ByteBuffer in = requests.await(requests.call(coordinator, id, frame, null), "opening region '" + name
                        + "'").payload();
                RegionInfo info = new RegionInfo(name, in.getLong(), in.getInt());
                directory.putIfAbsent(name, info);
                return info;
            } catch (NodeDownException e) {
                if (attempt >= 20) {
                    throw new AepException(Errno.EAGAIN, "coordinator node " + coordinator + " is down; region '"
                            + name + "' cannot be opened now");
                }
                Thread.yield();
            }
        }
    }

    /** The coordinator's decision: the existing region of that name, or a new one with {@code requester} as origin. */
    private synchronized RegionInfo decide(String name, long size, int requester) {
        RegionInfo existing = directory.get(name);
        if (existing != null) {
            if (size != 0 && existing.size() != size) {
                throw new AepException(Errno.EINVAL, "region '" + name + "' has " + existing.size() + " bytes, not "
                        + size);
            }
            return existing;
        }
        if (size == 0) {
            throw new AepException(Errno.ENOENT, "no region named '" + name + "'");
        }
        RegionInfo info = new RegionInfo(name, size, requester);
        directory.put(name, info);
        announce(info);
        return info;
    }

    private void announce(RegionInfo info) {
        channel.broadcast(Frame.of(FrameType.REGION, 0).str(info.name()).i64(info.size()).i32(info.origin())
                .array());
    }

    /** Regions this node has open. */
    public List<Region> regions() {
        return new ArrayList<>(regions.values());
    }

    /** Pages of a region found lost at this node (as its origin) so far. */
    public int lostPages(String region) {
        return lostPages.getOrDefault(region, 0);
    }

    @Override
    public long start(Class<? extends MigratableTask> type, byte[] initialState, int node) {
        return tasks.start(type, initialState, node);
    }

    @Override
    public void migrate(long task, int node) {
        tasks.migrate(task, node);
    }

    @Override
    public List<TaskInfo> tasks() {
        return tasks.tasks();
    }

    private void dispatch(int from, ByteBuffer in) {
        byte type = in.get();
        long id = in.getLong();
        try {
            switch (type) {
                case FrameType.RESPONSE -> requests.arrived(id, in);
                case FrameType.OPEN_REGION -> {
                    String name = Frame.str(in);
                    long size = in.getLong();
                    RegionInfo info = decide(name, size, from);
                    requests.reply(from, id, 0, null, Frame.body().i64(info.size()).i32(info.origin()).array());
                }
                case FrameType.REGION -> {
                    RegionInfo info = new RegionInfo(Frame.str(in), in.getLong(), in.getInt());
                    directory.putIfAbsent(info.name(), info);
                }
                case FrameType.TASK_MOVE, FrameType.TASK_MIGRATE, FrameType.TASK_INFO -> tasks.frame(type, from, id,
                        in);
                default -> LOG.log(System.Logger.Level.WARNING, "node " + channel.localNode()
                        + " dropped a frame of unknown type " + type + " from node " + from);
            }
        } catch (AepException e) {
            if (id != 0 && type != FrameType.RESPONSE) {
                requests.fail(from, id, e);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "node " + channel.localNode() + " failed on frame type " + type
                    + " from node " + from, e);
            if (id != 0 && type != FrameType.RESPONSE) {
                requests.fail(from, id, new AepException(Errno.EIO, "node " + channel.localNode()
                        + " failed on the request: " + e));
            }
        }
    }

    /** Serves a request of a call link on its thread; responds exactly once. */
    private void serveCall(int from, ByteBuffer in, GroupChannel.Responder responder) {
        boolean[] responded = new boolean[1];
        GroupChannel.Responder out = frame -> {
            responded[0] = true;
            responder.respond(frame);
        };
        byte type = in.get();
        long id = in.getLong();
        try {
            switch (type) {
                case FrameType.PAGE_REQUEST -> {
                    String name = Frame.str(in);
                    long size = in.getLong();
                    long page = in.getLong();
                    boolean write = Frame.bool(in);
                    originRegion(name, size).serveRemote(from, id, page, write, out);
                }
                case FrameType.FETCH -> {
                    Region r = regions.get(Frame.str(in));
                    long page = in.getLong();
                    FetchMode mode = FetchMode.of(in.get());
                    int grant = in.getInt();
                    if (r == null) {
                        out.respond(noRegion(id));
                    } else {
                        r.answerFetch(id, page, mode, grant, out);
                    }
                }
                case FrameType.INVALIDATE -> {
                    Region r = regions.get(Frame.str(in));
                    long page = in.getLong();
                    int grant = in.getInt();
                    if (r == null) {
                        out.respond(Requests.response(id, 0, null, null, 0, 0));
                    } else {
                        r.answerInvalidate(id, page, grant, out);
                    }
                }
                case FrameType.COPIES -> {
                    Region r = regions.get(Frame.str(in));
                    int dead = in.getInt();
                    if (r == null) {
                        out.respond(noRegion(id));
                    } else {
                        r.answerCopies(id, dead, from, out);
                    }
                }
                case FrameType.PAGE_STATE -> {
                    String name = Frame.str(in);
                    long page = in.getLong();
                    Region r = awaitRegion(name);
                    if (r == null) {
                        out.respond(Requests.failure(id, new AepException(Errno.ESTALE, "node "
                                + channel.localNode() + " is not the origin of region '" + name + "'")));
                    } else {
                        r.answerState(id, page, out);
                    }
                }
                default -> out.respond(Requests.failure(id, new AepException(Errno.EINVAL, "node "
                        + channel.localNode() + " serves no call of frame type " + type)));
            }
        } catch (AepException e) {
            if (!responded[0]) {
                out.respond(Requests.failure(id, e));
            }
        } catch (NodeDownException e) {
            if (!responded[0]) {
                out.respond(Requests.failure(id, new AepException(Errno.EIO, "node " + channel.localNode()
                        + " could not serve the request: " + e.getMessage())));
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "node " + channel.localNode() + " failed on call type " + type
                    + " from node " + from, e);
            if (!responded[0]) {
                out.respond(Requests.failure(id, new AepException(Errno.EIO, "node " + channel.localNode()
                        + " failed on the request: " + e)));
            }
        }
    }

    private byte[] noRegion(long id) {
        return Requests.response(id, Errno.ESTALE.code(), "node " + channel.localNode()
                + " has no copy of that region", null, 0, 0);
    }

    /** The region a PAGE_REQUEST names, which this node originates. */
    private Region originRegion(String name, long size) {
        Region r = awaitRegion(name);
        if (r != null) {
            return r;
        }
        RegionInfo info = directory.get(name);
        if (info != null && info.origin() != channel.localNode()) {
            throw new AepException(Errno.ESTALE, "node " + channel.localNode() + " is not the origin of region '"
                    + name + "'");
        }
        return local(info != null ? info : new RegionInfo(name, size, channel.localNode()));
    }

    /**
     * The open region of that name; when there is none but the directory names a dead origin, waits a
     * while for this node to see the view change that may make it the new origin.
     */
    private Region awaitRegion(String name) {
        long deadline = System.nanoTime() + channel.config().rpcTimeoutMs() * 1_000_000L / 2;
        synchronized (moves) {
            Monitors.awaitUntil(moves, deadline, () -> {
                RegionInfo info = directory.get(name);
                return regions.get(name) != null || info == null || info.origin() == channel.localNode();
            });
            return regions.get(name);
        }
    }

    private void changed(Set<Integer> joined, Set<Integer> left) {
        List<Runnable> takeovers = moveOrigins(left);
        for (int node : left) {
            requests.nodeLeft(node);
        }
        for (Runnable t : takeovers) {
            workers.execute(t);
        }
        workers.execute(() -> {
            for (int node : left) {
                for (Region r : regions.values()) {
                    int lost = r.forget(node);
                    if (lost > 0) {
                        lostPages.merge(r.name(), lost, Integer::sum);
                        LOG.log(System.Logger.Level.WARNING, lost + " pages of region '" + r.name()
                                + "' are lost with node " + node);
                    }
                }
            }
            if (!joined.isEmpty()) {
                for (Region r : regions.values()) {
                    if (r.origin() == channel.localNode()) {
                        announce(new RegionInfo(r.name(), r.size(), r.origin()));
                    }
                }
                tasks.announce();
            }
        });
    }

    /**
     * Moves every region whose origin left to the coordinator of the new view, here on the delivery thread
     * so that no fault waits for a slower worker to learn of it.
     *
     * @return at the new origin, the rebuilds to run off the delivery thread
     */
    private List<Runnable> moveOrigins(Set<Integer> left) {
        List<Runnable> takeovers = new ArrayList<>();
        int self = channel.localNode();
        int next = channel.coordinator();
        for (int dead : left) {
            for (RegionInfo info : List.copyOf(directory.values())) {
                if (info.origin() == dead) {
                    if (next == self) {
                        try {
                            local(info); // opened with the dead origin, so every page starts missing here
                        } catch (RuntimeException e) {
                            LOG.log(System.Logger.Level.WARNING, "node " + self + " could not open region '"
                                    + info.name() + "' to take it over from origin node " + dead, e);
                        }
                    }
                    directory.put(info.name(), new RegionInfo(info.name(), info.size(), next));
                }
            }
            for (Region r : regions.values()) {
                if (r.moveOrigin(dead, next) && next == self) {
                    takeovers.add(() -> takeOver(r, dead));
                }
            }
        }
        synchronized (moves) {
            moves.notifyAll();
        }
        return takeovers;
    }

    private void takeOver(Region r, int dead) {
        try {
            int lost = r.rebuild(dead);
            if (lost > 0) {
                lostPages.merge(r.name(), lost, Integer::sum);
                LOG.log(System.Logger.Level.WARNING, lost + " pages of region '" + r.name() + "' are lost with"
                        + " origin node " + dead + ", which held their only copy");
            }
            if (!channel.liveNodes().isEmpty()) {
                announce(new RegionInfo(r.name(), r.size(), r.origin()));
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "node " + channel.localNode() + " could not take region '"
                    + r.name() + "' over from origin node " + dead, e);
        }
    }

    @Override
    public void close() {
        tasks.close();
        requests.closeAll();
        channel.close();
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Region r : regions.values()) {
            r.close();
        }
        regions.clear();
    }

    @Override
    public String toString() {
        return "DSM node " + channel.localNode();
    }
}

package org.aepdsm.dsm.coherence;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.dsm.DsmRegion;
import org.aepdsm.api.dsm.PageState;
import org.aepdsm.dsm.cluster.Frame;
import org.aepdsm.dsm.cluster.FrameType;
import org.aepdsm.dsm.cluster.GroupChannel;
import org.aepdsm.dsm.cluster.NodeDownException;
import org.aepdsm.dsm.cluster.Requests;

/**
 * One region as seen from one node: its local pages, the fault path, and (at the origin) the page
 * directory. Implements the requester and holder sides of the protocol; {@link PageDirectory} is the
 * origin side.
 *
 * <p>Faults are coalesced per page (Popcorn's fault handles): the first thread to fault a page is the
 * leader and sends the one request; later threads wait for it and then look at the page again. A reader
 * may follow a reader or a writer; a writer follows a writer, and after a reader it waits and then faults
 * for write itself (the read copy makes that a grant without data).
 *
 * <pre>
 *   access(page):  read-lock stripe; state valid for the access? -> do it, unlock
 *                  else unlock; fault(page, write); look again
 *   fault:         leader: origin == self ? directory.serve(self) : PAGE_REQUEST -> origin on a call
 *                          link; the leader reads the answer itself and installs it:
 *                            DATA(seq, page) | NODATA(seq)
 *                  follower: wait for the leader's outcome
 * </pre>
 *
 * Every installed grant records its number (see {@link LocalPages#awaitGrant}): the origin's later
 * fetches and invalidations of the page wait for it here, so they cannot overtake the data.
 *
 * <p>Origin failover. When the origin dies every survivor moves the region to the same new origin (the
 * coordinator of the view that dropped it, see {@link #moveOrigin}); the new origin asks each live node
 * for its copies ({@link #answerCopies}) and rebuilds the directory from them ({@link #rebuild}).
 *
 * <pre>
 *   moveOrigin(dead, next)   under the install lock (write): epoch++, origin = next; at next the
 *                            directory is missing until rebuild() completes {@code rebuilt}
 *   remote grant arrives     under the install lock (read): epoch still the one it was asked in?
 *                            install : drop it and ask the new origin
 *   fault, origin left       wait (bounded) for origin to move, ask again; none came: EIO
 *   fault at the new origin  wait (bounded) for {@code rebuilt}; never served from a partial directory
 * </pre>
 *
 * A grant of the dead origin that arrives after the move is dropped, so what a node reports is what it
 * holds until the new origin grants something: the rebuilt directory is exact. Fetches and invalidations
 * of the dead origin still running here only make copies less valid, which the new directory tolerates
 * (a holder without a copy is no owner).
 *
 * Thread-safe. Owned by its node, which closes it.
 */
public final class Region implements DsmRegion, AutoCloseable {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    /** First byte of a PAGE_REQUEST's answer: what follows. */
    static final byte DATA = 0;
    static final byte NO_DATA = 1;

    private final String name;
    private final long size;
    private volatile int origin;
    private final GroupChannel channel;
    private final Requests requests;
    private final LocalPages pages;
    private volatile PageDirectory directory;
    /** Complete except while this node, as the new origin, rebuilds the directory. */
    private volatile CompletableFuture<Void> rebuilt = CompletableFuture.completedFuture(null);
    /** Held for reading while a remote grant is installed, for writing while the origin moves. */
    private final ReentrantReadWriteLock installs = new ReentrantReadWriteLock();
    /** How many times the origin moved; written under the install lock, notifies {@code moves}. */
    private volatile int epoch;
    private final Object moves = new Object();
    private final MemorySegment segment;
    private final Map<Long, PendingFault> inflight = new ConcurrentHashMap<>();
    private final AtomicLong faults = new AtomicLong();
    private final AtomicLong coalesced = new AtomicLong();
    private final AtomicLong dataReceived = new AtomicLong();
    private final AtomicLong grantsReceived = new AtomicLong();

    private static final class PendingFault {
        final boolean write;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        PendingFault(boolean write) {
            this.write = write;
        }
    }

    /**
     * @param source makes the memory for this region on this node, owned by the region from then on
     */
    public Region(String name, long size, int origin, GroupChannel channel, Requests requests,
            FrameSource source) {
        this.name = name;
        this.size = size;
        this.origin = origin;
        this.channel = channel;
        this.requests = requests;
        int self = channel.localNode();
        PageFrames frames = source.create(name, size, origin == self, this::kernelFault);
        this.pages = new LocalPages(frames, size / LocalPages.PAGE_SIZE,
                origin == self ? LocalPages.EXCLUSIVE : LocalPages.INVALID);
        this.directory = origin == self ? new PageDirectory(name, self, pages, new RemoteHolders()) : null;
        this.segment = frames.segment();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return size;
    }

    /** The node that keeps the owner sets now: the creator, or after it died the node that took the region over. */
    @Override
    public int origin() {
        return origin;
    }

    /** The local pages, for the fault-handling thread of the userfaultfd path. */
    public LocalPages localPages() {
        return pages;
    }

    @Override
    public MemorySegment segment() {
        return pages.frames().faultingSegment();
    }

    private long checkOffset(long offset) {
        if (offset < 0 || offset > size - Long.BYTES) {
            throw new AepException(Errno.EINVAL, "offset " + offset + " is outside region '" + name + "' of "
                    + size + " bytes");
        }
        if ((offset & 7) != 0) {
            throw new AepException(Errno.EINVAL, "offset 0x" + Long.toHexString(offset) + " is not aligned to 8");
        }
        return offset / LocalPages.PAGE_SIZE;
    }

    @Override
    public long getLong(long offset) {
        long page = checkOffset(offset);
        for (;;) {
            Lock l = pages.readLock(page);
            l.lock();
            try {
                if (pages.state(page) != LocalPages.INVALID) {
                    return (long) LONG.getVolatile(segment, offset);
                }
            } finally {
                l.unlock();
            }
            fault(page, false);
        }
    }

    @Override
    public void putLong(long offset, long value) {
        long page = checkOffset(offset);
        for (;;) {
            Lock l = pages.readLock(page);
            l.lock();
            try {
                if (pages.state(page) == LocalPages.EXCLUSIVE) {
                    LONG.setVolatile(segment, offset, value);
                    return;
                }
            } finally {
                l.unlock();
            }
            fault(page, true);
        }
    }

    @Override
    public long addAndGet(long offset, long delta) {
        long page = checkOffset(offset);
        for (;;) {
            Lock l = pages.readLock(page);
            l.lock();
            try {
                if (pages.state(page) == LocalPages.EXCLUSIVE) {
                    // the stripe lock keeps the page here; the atomic keeps local threads apart
                    return (long) LONG.getAndAdd(segment, offset, delta) + delta;
                }
            } finally {
                l.unlock();
            }
            fault(page, true);
        }
    }

    /**
     * Brings the page into a state that allows the access, coalescing with faults already in flight for
     * it. Returns when the page was (for a moment) valid; callers look at the state again.
     *
     * @throws AepException EIO when the page is lost, or the origin is down and no node took the region over
     */
    public void fault(long page, boolean write) {
        PendingFault mine = new PendingFault(write);
        PendingFault current = inflight.putIfAbsent(page, mine);
        if (current != null) {
            if (current.write || !write) {
                coalesced.incrementAndGet();
            }
            try {
                current.done.join();
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof AepException a) {
                    throw new AepException(a.errno(), strip(a.getMessage()), a);
                }
                throw e;
            }
            return;
        }
        try {
            request(page, write);
            mine.done.complete(null);
        } catch (RuntimeException e) {
            mine.done.completeExceptionally(e);
            throw e;
        } finally {
            inflight.remove(page, mine);
        }
    }

    /** A fault the kernel reported on the mapped region: run the protocol unless the page is valid already. */
    private void kernelFault(long page, boolean write) {
        byte s = pages.stateNow(page);
        if (s == LocalPages.EXCLUSIVE || s == LocalPages.SHARED && !write) {
            return;
        }
        fault(page, write);
    }

    private static String strip(String message) {
        int colon = message.indexOf(": ");
        return colon > 0 ? message.substring(colon + 2) : message;
    }

    private void request(long page, boolean write) {
        faults.incrementAndGet();
        int self = channel.localNode();
        long deadline = System.nanoTime() + failoverNanos();
        String what = (write ? "write" : "read") + " fault on page " + page + " of region '" + name + "'";
        for (;;) {
            int o = origin;
            if (o == self) {
                serveHere(page, write);
                return;
            }
            int asked = epoch;
            ByteBuffer in;
            try {
                in = requests.exchange(o, pageRequest(requests.nextId(), name, size, page, write), what).payload();
            } catch (NodeDownException e) {
                awaitMove(o, deadline, page);
                continue;
            } catch (AepException e) {
                if (e.errno() == Errno.ESTALE && System.nanoTime() < deadline) {
                    // the new origin has not taken the region over yet
                    continue;
                }
                throw e;
            }
            Lock l = installs.readLock();
            l.lock();
            try {
                if (epoch == asked) {
                    install(in, page, write);
                    return;
                }
            } finally {
                l.unlock();
            }
            // granted by an origin that has since died: the new one never heard of it, ask it instead
        }
    }

    /** The fault served by this node's own directory, once it is complete. */
    private void serveHere(long page, boolean write) {
        awaitDirectory(failoverNanos());
        directory.serve(channel.localNode(), page, write, grant -> {
            switch (grant) {
                case Grant.Data d -> {
                    dataReceived.incrementAndGet();
                    pages.install(page, d.bytes(), write);
                }
                case Grant.NoData n -> {
                    if (write) {
                        grantsReceived.incrementAndGet();
                        pages.upgrade(page);
                    }
                }
                case Grant.Lost l -> throw new AepException(Errno.EIO, l.reason());
            }
        });
    }

    /** How long a fault follows a failover: the view change, then the new origin's round of reports. */
    private long failoverNanos() {
        return 2 * channel.config().rpcTimeoutMs() * 1_000_000L;
    }

    /**
     * Waits until the origin is no longer {@code from}.
     *
     * @throws AepException EIO naming the page and the dead origin when no new origin came by the deadline
     */
    private void awaitMove(int from, long deadline, long page) {
        synchronized (moves) {
            if (!Monitors.awaitUntil(moves, deadline, () -> origin != from)) {
                throw originDown(page, from);
            }
        }
    }

    /**
     * Waits until this node's directory is complete (it is, unless this node is rebuilding it).
     *
     * @throws AepException EIO when the rebuild failed, EAGAIN when it is still running after the wait
     */
    private void awaitDirectory(long timeoutNanos) {
        CompletableFuture<Void> f = rebuilt;
        try {
            f.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AepException(Errno.EAGAIN, "region '" + name + "' is still being taken over by node "
                    + channel.localNode() + " after its origin died");
        } catch (ExecutionException e) {
            throw new AepException(Errno.EIO, "node " + channel.localNode() + " could not take region '" + name
                    + "' over: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AepException(Errno.EIO, "interrupted waiting for region '" + name + "' to be taken over");
        }
    }

    /** Puts a grant in place: [DATA][seq][page] or [NO_DATA][seq]. */
    private void install(ByteBuffer in, long page, boolean write) {
        byte kind = in.get();
        int seq = in.getInt();
        if (kind == DATA) {
            dataReceived.incrementAndGet();
            pages.install(page, in.array(), in.arrayOffset() + in.position(), write, seq);
        } else if (write) {
            grantsReceived.incrementAndGet();
            pages.upgrade(page, seq);
        }
    }

    /** The PAGE_REQUEST frame (also the size the benchmark's TCP peer sends). */
    public static byte[] pageRequest(long id, String region, long size, long page, boolean write) {
        return Frame.of(FrameType.PAGE_REQUEST, id).str(region).i64(size).i64(page).bool(write).array();
    }

    /** The answer to a PAGE_REQUEST that carries the page (also the size the benchmark's TCP peer sends). */
    public static byte[] pageAnswer(long id, int seq, byte[] data, int offset) {
        byte[] payload = new byte[5 + LocalPages.PAGE_SIZE];
        payload[0] = DATA;
        ByteBuffer.wrap(payload, 1, 4).putInt(seq);
        System.arraycopy(data, offset, payload, 5, LocalPages.PAGE_SIZE);
        return Requests.response(id, 0, null, payload, 0, payload.length);
    }

    private AepException originDown(long page, int dead) {
        return new AepException(Errno.EIO, "page " + page + " of region '" + name + "' is unreachable: origin node "
                + dead + " is down and no node took the region over");
    }

    @Override
    public PageState pageState(long page) {
        if (page < 0 || page >= pages.pages()) {
            throw new AepException(Errno.EINVAL, "page " + page + " is outside region '" + name + "' of "
                    + pages.pages() + " pages");
        }
        int self = channel.localNode();
        long deadline = System.nanoTime() + failoverNanos();
        Requests.Reply r;
        for (;;) {
            int o = origin;
            if (o == self) {
                awaitDirectory(failoverNanos());
                return directory.state(page);
            }
            byte[] frame = Frame.of(FrameType.PAGE_STATE, requests.nextId()).str(name).i64(page).array();
            try {
                r = requests.exchange(o, frame, "state of page " + page + " of region '" + name + "'");
                break;
            } catch (NodeDownException e) {
                awaitMove(o, deadline, page);
            } catch (AepException e) {
                if (e.errno() != Errno.ESTALE || System.nanoTime() >= deadline) {
                    throw e;
                }
            }
        }
        ByteBuffer in = r.payload();
        int n = in.getInt();
        Set<Integer> owners = new HashSet<>();
        for (int i = 0; i < n; i++) {
            owners.add(in.getInt());
        }
        int writer = in.getInt();
        boolean lost = in.get() != 0;
        return new PageState(page, owners, writer, lost);
    }

    /** The state of this node's own copy: INVALID, SHARED or EXCLUSIVE. */
    public byte localState(long page) {
        return pages.stateNow(page);
    }

    /** Counters of this region on this node. */
    public RegionStats stats() {
        PageDirectory d = directory;
        return new RegionStats(faults.get(), coalesced.get(), dataReceived.get(), grantsReceived.get(),
                pages.invalidationsReceived.get(), pages.fetchesServed.get(),
                d == null ? 0 : d.invalidationsSent.get(), d == null ? 0 : d.grantsWithoutData.get(),
                d == null ? 0 : d.remoteFetches.get());
    }

    // ---- origin side, called by the node's dispatcher -------------------------------------------------

    /**
     * Serves a PAGE_REQUEST from another node, on the call link's serving thread (it may wait for other
     * holders). Responds exactly once.
     */
    public void serveRemote(int from, long id, long page, boolean write, GroupChannel.Responder out) {
        PageDirectory directory = originDirectory();
        if (directory == null) {
            out.respond(Requests.failure(id, new AepException(Errno.ESTALE, "node " + channel.localNode()
                    + " is not the origin of region '" + name + "'")));
            return;
        }
        if (page < 0 || page >= pages.pages()) {
            out.respond(Requests.failure(id, new AepException(Errno.EINVAL, "page " + page + " is outside region '"
                    + name + "'")));
            return;
        }
        directory.serve(from, page, write, grant -> out.respond(switch (grant) {
            case Grant.Data d -> pageAnswer(id, d.seq(), d.bytes(), 0);
            case Grant.NoData n -> {
                byte[] payload = Frame.body().u8(NO_DATA).i32(n.seq()).array();
                yield Requests.response(id, 0, null, payload, 0, payload.length);
            }
            case Grant.Lost l -> Requests.response(id, Errno.EIO.code(), l.reason(), null, 0, 0);
        }));
    }

    /** Answers a PAGE_STATE request. Blocks on the page's entry. */
    public void answerState(long id, long page, GroupChannel.Responder out) {
        try {
            if (originDirectory() == null) {
                throw new AepException(Errno.ESTALE, "node " + channel.localNode() + " is not the origin of region '"
                        + name + "'");
            }
            PageState s = pageState(page);
            Frame f = Frame.body().i32(s.owners().size());
            for (int o : s.owners()) {
                f.i32(o);
            }
            byte[] payload = f.i32(s.writer()).bool(s.lost()).array();
            out.respond(Requests.response(id, 0, null, payload, 0, payload.length));
        } catch (AepException e) {
            out.respond(Requests.failure(id, e));
        }
    }

    /**
     * The directory, when this node is the region's origin, waiting a while for a failover that makes it
     * the origin and for its rebuild to complete (a requester may see the view change first); else null.
     */
    private PageDirectory originDirectory() {
        int self = channel.localNode();
        long wait = channel.config().rpcTimeoutMs() * 1_000_000L / 2;
        long deadline = System.nanoTime() + wait;
        synchronized (moves) {
            if (!Monitors.awaitUntil(moves, deadline, () -> origin == self)) {
                return null;
            }
        }
        try {
            awaitDirectory(Math.max(0, deadline - System.nanoTime()));
        } catch (AepException e) {
            if (e.errno() == Errno.EAGAIN) {
                return null;
            }
            throw e;
        }
        return directory;
    }

    /** A node left: at the origin, it leaves every owner set. Blocks: run it off the delivery thread. */
    public int forget(int node) {
        if (origin != channel.localNode()) {
            return 0;
        }
        try {
            awaitDirectory(failoverNanos());
        } catch (AepException e) {
            return 0;
        }
        PageDirectory d = directory;
        return d == null ? 0 : d.forget(node);
    }

    // ---- origin failover ------------------------------------------------------------------------------

    /**
     * Origin {@code dead} died and {@code next} takes the region over. Does nothing unless {@code dead} is
     * the origin now, so every path that learns of the death may call it. At {@code next} the directory is
     * then missing until {@link #rebuild} completes.
     *
     * @return whether the origin moved now
     */
    public boolean moveOrigin(int dead, int next) {
        Lock w = installs.writeLock();
        w.lock();
        try {
            if (origin != dead || next == dead) {
                return false;
            }
            if (next == channel.localNode()) {
                rebuilt = new CompletableFuture<>();
            }
            epoch++;
            origin = next;
        } finally {
            w.unlock();
        }
        synchronized (moves) {
            moves.notifyAll();
        }
        return true;
    }

    /**
     * At the new origin: collects every live node's copies and rebuilds the directory from them; faults
     * on the region wait until it is done. Blocks on other nodes: run it off the delivery thread.
     *
     * @return how many pages are lost (the dead origin held their only copy)
     * @throws AepException when a live node did not report; faults on the region then fail with EIO
     */
    public int rebuild(int dead) {
        CompletableFuture<Void> done = rebuilt;
        try {
            int self = channel.localNode();
            Map<Integer, LocalPages.Copies> reports = new TreeMap<>();
            reports.put(self, pages.copies());
            for (int node : channel.liveNodes()) {
                if (node == self) {
                    continue;
                }
                byte[] frame = Frame.of(FrameType.COPIES, requests.nextId()).str(name).i32(dead).array();
                try {
                    ByteBuffer in = requests.exchange(node, frame, "copies of region '" + name + "' at node "
                            + node).payload();
                    int n = in.getInt();
                    byte[] states = new byte[n];
                    in.get(states);
                    int[] grants = new int[n];
                    in.asIntBuffer().get(grants);
                    reports.put(node, new LocalPages.Copies(states, grants));
                } catch (NodeDownException gone) {
                    // a node that left holds nothing
                } catch (AepException e) {
                    if (e.errno() != Errno.ESTALE) {
                        throw e;
                    }
                    // the node has not opened the region: it holds nothing
                }
            }
            PageDirectory d = PageDirectory.rebuilt(name, self, pages, new RemoteHolders(), dead, reports);
            directory = d;
            done.complete(null);
            return d.lostPages();
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
            throw e;
        }
    }

    /**
     * Answers the new origin {@code next}'s request for this node's copies after origin {@code dead} died;
     * moves the origin first if this node has not seen the view change yet, so no grant of the dead origin
     * is installed after the answer.
     */
    public void answerCopies(long id, int dead, int next, GroupChannel.Responder out) {
        moveOrigin(dead, next);
        if (origin != next) {
            out.respond(Requests.failure(id, new AepException(Errno.ESTALE, "node " + channel.localNode()
                    + " sees node " + origin + " as the origin of region '" + name + "', not node " + next)));
            return;
        }
        LocalPages.Copies c = pages.copies();
        ByteBuffer b = ByteBuffer.allocate(4 + c.states().length * 5);
        b.putInt(c.states().length).put(c.states());
        b.asIntBuffer().put(c.grants());
        byte[] payload = b.array();
        out.respond(Requests.response(id, 0, null, payload, 0, payload.length));
    }

    // ---- holder side, called on a call link's serving thread ------------------------------------------

    /** Waits until the grant a request of the origin names is in place here (see LocalPages.awaitGrant). */
    private void awaitGrant(long page, int grant) {
        pages.awaitGrant(page, grant, channel.config().rpcTimeoutMs() * 1_000_000L);
    }

    /** The origin fetches a page from this node, which holds it by grant {@code grant}. */
    public void answerFetch(long id, long page, FetchMode mode, int grant, GroupChannel.Responder out) {
        byte[] data = null;
        if (page >= 0 && page < pages.pages()) {
            awaitGrant(page, grant);
            data = pages.fetch(page, mode);
        }
        if (data == null) {
            out.respond(noCopy(id, page));
        } else {
            out.respond(Requests.response(id, 0, null, data, 0, data.length));
        }
    }

    private byte[] noCopy(long id, long page) {
        return Requests.response(id, Errno.ESTALE.code(), "node " + channel.localNode() + " holds no copy of page "
                + page + " of region '" + name + "'", null, 0, 0);
    }

    /** The origin invalidates a page here, which this node holds by grant {@code grant}. */
    public void answerInvalidate(long id, long page, int grant, GroupChannel.Responder out) {
        if (page >= 0 && page < pages.pages()) {
            awaitGrant(page, grant);
            pages.invalidate(page);
        }
        out.respond(Requests.response(id, 0, null, null, 0, 0));
    }

    /** How the origin's directory reaches other holders: requests on call links. */
    private final class RemoteHolders implements PageDirectory.Holders {
        @Override
        public byte[] fetch(int node, int grant, long page, FetchMode mode) {
            long id = requests.nextId();
            byte[] frame = Frame.of(FrameType.FETCH, id).str(name).i64(page).u8(mode.ordinal()).i32(grant).array();
            try {
                Requests.Reply r = requests.exchange(node, frame, "fetch of page " + page + " of region '" + name
                        + "' from node " + node);
                byte[] data = new byte[LocalPages.PAGE_SIZE];
                r.payload().get(data);
                return data;
            } catch (AepException e) {
                if (e.errno() == Errno.ESTALE) {
                    return null;
                }
                throw e;
            }
        }

        @Override
        public void invalidate(int[] nodes, int[] grants, long page) {
            GroupChannel.PendingCall[] acks = new GroupChannel.PendingCall[nodes.length];
            for (int i = 0; i < nodes.length; i++) {
                byte[] frame = Frame.of(FrameType.INVALIDATE, requests.nextId()).str(name).i64(page).i32(grants[i])
                        .array();
                try {
                    acks[i] = requests.start(nodes[i], frame);
                } catch (NodeDownException gone) {
                    // a node that left holds nothing any more
                }
            }
            for (GroupChannel.PendingCall ack : acks) {
                if (ack == null) {
                    continue;
                }
                try {
                    requests.finish(ack, "invalidation of page " + page + " of region '" + name + "' at node "
                            + ack.node());
                } catch (NodeDownException gone) {
                    // a node that left holds nothing any more
                }
            }
        }

        @Override
        public boolean alive(int node) {
            return channel.alive(node);
        }
    }

    @Override
    public void close() {
        pages.close();
    }

    @Override
    public String toString() {
        return "region '" + name + "' (" + size + " bytes, origin node " + origin + ")";
    }
}

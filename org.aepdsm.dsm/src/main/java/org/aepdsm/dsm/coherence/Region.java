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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;

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
 * Thread-safe. Owned by its node, which closes it.
 */
public final class Region implements DsmRegion, AutoCloseable {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    /** First byte of a PAGE_REQUEST's answer: what follows. */
    static final byte DATA = 0;
    static final byte NO_DATA = 1;

    private final String name;
    private final long size;
    private final int origin;
    private final GroupChannel channel;
    private final Requests requests;
    private final LocalPages pages;
    private final PageDirectory directory;
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
     * @throws AepException EIO when the page is lost or the origin is down
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
        if (directory != null) {
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
            return;
        }
        long id = requests.nextId();
        byte[] frame = pageRequest(id, name, size, page, write);
        String what = (write ? "write" : "read") + " fault on page " + page + " of region '" + name + "'";
        ByteBuffer in;
        try {
            in = requests.exchange(origin, frame, what).payload();
        } catch (NodeDownException e) {
            throw originDown(page);
        }
        install(in, page, write);
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

    private AepException originDown(long page) {
        return new AepException(Errno.EIO, "page " + page + " of region '" + name + "' is unreachable: origin node "
                + origin + " is down");
    }

    @Override
    public PageState pageState(long page) {
        if (page < 0 || page >= pages.pages()) {
            throw new AepException(Errno.EINVAL, "page " + page + " is outside region '" + name + "' of "
                    + pages.pages() + " pages");
        }
        if (directory != null) {
            return directory.state(page);
        }
        long id = requests.nextId();
        byte[] frame = Frame.of(FrameType.PAGE_STATE, id).str(name).i64(page).array();
        Requests.Reply r;
        try {
            r = requests.exchange(origin, frame, "state of page " + page + " of region '" + name + "'");
        } catch (NodeDownException e) {
            throw originDown(page);
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

    /** A node left: at the origin, it leaves every owner set. Blocks: run it off the delivery thread. */
    public int forget(int node) {
        return directory == null ? 0 : directory.forget(node);
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

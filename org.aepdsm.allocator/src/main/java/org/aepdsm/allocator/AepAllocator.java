package org.aepdsm.allocator;

import static org.aepdsm.allocator.ObjectHeader.FREE;
import static org.aepdsm.allocator.ObjectHeader.IN_FLIGHT;
import static org.aepdsm.allocator.ObjectHeader.NIL;
import static org.aepdsm.allocator.ObjectHeader.OWNED;
import static org.aepdsm.allocator.ObjectHeader.REMOTE_FREE;
import static org.aepdsm.allocator.SpanDescriptor.ALLOC;
import static org.aepdsm.allocator.SpanDescriptor.BODY;
import static org.aepdsm.allocator.SpanDescriptor.GEN;
import static org.aepdsm.allocator.SpanDescriptor.HELD;
import static org.aepdsm.allocator.SpanDescriptor.INFO;
import static org.aepdsm.allocator.SpanDescriptor.LINKS;
import static org.aepdsm.allocator.SpanDescriptor.NIL_PAGE;
import static org.aepdsm.allocator.SpanDescriptor.REMOTE;
import static org.aepdsm.allocator.SpanDescriptor.RUN;
import static org.aepdsm.allocator.SpanDescriptor.RUN_HEADER;
import static org.aepdsm.allocator.SpanDescriptor.RUN_SIZE;
import static org.aepdsm.allocator.SpanDescriptor.SLAB;

import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import org.aepdsm.allocator.internal.PoolWords;
import org.aepdsm.api.Errno;
import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.api.memory.ProtectionDomain;
import org.aepdsm.api.ownership.GlobalRef;
import org.aepdsm.api.ownership.ObjectInfo;
import org.aepdsm.api.ownership.Topology;

/**
 * The AEP-DSM allocator: the code behind the shadow entry. Every byte of its state
 * is in the shared pool (see {@link PoolLayout}); this object holds only the pool's
 * geometry, read back from the pool header, so any process mapping the pool can
 * build one.
 *
 * <h2>Two levels</h2>
 * Level 2 (node): a node claims 512 KiB segments from the pool by CAS on the segment
 * table; its clients claim page runs inside the node's segments by CAS on the
 * segment's 32-bit page mask, and take a free segment, or steal an empty one of
 * another node, when their node has no room. Level 1 (client): each client keeps,
 * per size class, a list of the slab spans it carved, the first one active; it
 * allocates from the active span's local free list or bump pointer and frees its
 * own blocks back to that list, touching nothing another client writes: MALLOC and
 * FREE on this path are plain loads and stores, no CAS. A block freed by a client
 * other than the span's carver goes on the span's remote stack (CAS push) and the
 * carver is signalled through a per-class counter; it collects the stack with one
 * exchange when it runs out of blocks. Objects larger than the biggest class are
 * page runs, carved the same way and released whole.
 *
 * <h2>Handles</h2>
 * A handle is {@code generation << 48 | offset of the object's bytes}, the generation
 * being 15 bits so a handle is never negative. Every op
 * validates it: offset inside the data area and 8-aligned, page belonging to a span,
 * offset at a block's data start of that span's class and below its bump pointer
 * (or at a run's first byte), header magic and class, live state, generation equal
 * to the tag. Forged or misplaced handles answer {@code EINVAL}; a handle whose
 * object was freed (its block free, its generation moved on, or its page released
 * after holding a span) answers {@code ESTALE}, so a double free is {@code ESTALE};
 * an object the caller does not own, or one in flight, answers {@code EPERM}.
 *
 * <h2>Crash consistency</h2>
 * Every multi-step op writes a {@link RedoLog} record in the caller's client area
 * before it changes anything and clears it at the end; {@code RECOVER} completes a
 * committed record and resolves an intent-only one. The gap between an atomic step on
 * shared memory and the store that records it (a few instructions) is the one window
 * a real process death can leave behind, and injected crashes ({@link CrashPoint})
 * never fall in it. Its residues: pages claimed by no span, free blocks on no chain or
 * on a chain twice, a mailbox cell reserved and never published, which
 * {@link ConsistencyChecker} reports and {@link #sweep()} repairs on a quiescent pool;
 * and, after a death between a LINK's or UNLINK's count CAS and its step marker, a
 * reference count one off (RECOVER applies the step again), which nothing detects.
 *
 * <p>Thread-safety: any thread may call {@link #call}; a client id must be used by one
 * thread at a time (as in AEP); RECOVER of a client must not run while that client
 * runs. INIT resets the pool and must not race other calls.
 */
public final class AepAllocator {
    static final long EPERM = -Errno.EPERM.code(), EAGAIN = -Errno.EAGAIN.code(), ENOMEM = -Errno.ENOMEM.code(),
            EBUSY = -Errno.EBUSY.code(), EEXIST = -Errno.EEXIST.code(), EINVAL = -Errno.EINVAL.code(),
            ESTALE = -Errno.ESTALE.code();
    /** Redo record operations. */
    static final int OP_MALLOC = 1, OP_FREE = 2, OP_FREE_REMOTE = 3, OP_CARVE = 4, OP_RELEASE = 5, OP_COLLECT = 6,
            OP_LIST = 7, OP_SEND = 8, OP_RECV = 9, OP_LINK = 10, OP_UNLINK = 11;
    /** Detail of a RECV record: the message was taken from the receiver's own ring, not its node's. */
    private static final long RECV_OWN_RING = 1;
    /** Internal answers of a step that did not finish; never handles (those are data offsets) nor errnos. */
    private static final long RETRY = 1, REFILL = 2;
    private static final long MASK = GlobalRef.OFFSET_MASK;
    private static final long NIL_LINKS = SpanDescriptor.links(NIL_PAGE, NIL_PAGE);
    private static final int OPS = 16;

    private final PoolWords w;
    private final boolean attached;
    private final PrintStream out;
    private final Topology requestedTopology;
    private final int requestedSlots;
    private volatile Geometry g;
    private CrashInjector crash;
    /** The domain the pool's metadata is isolated in, entered by every method but {@link #call}; null for none. */
    private volatile ProtectionDomain domain;
    /**
     * SEND and RECV, called through handles held in fields so that the JIT compiles each as its own unit rather
     * than inlining both into the dispatch (see {@link #call}).
     */
    private final MethodHandle sendOp;
    private final MethodHandle recvOp;

    /** What this process caches of the pool header; rebuilt from the pool by any process. */
    private record Geometry(PoolLayout layout, RedoLog log, Mailbox box, int clients, int perNode, int segments,
            int pages, long dataStart, long dataEnd, int salt, long epoch) {
    }

    private AepAllocator(MemorySegment pool, Topology topology, int mailboxSlots, boolean attach, PrintStream out) {
        this.w = PoolWords.of(pool);
        this.attached = attach;
        this.out = Objects.requireNonNull(out, "out");
        this.requestedTopology = Objects.requireNonNull(topology, "topology");
        this.requestedSlots = mailboxSlots;
        new PoolLayout(pool.byteSize(), topology, mailboxSlots);
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            this.sendOp = lookup.findVirtual(AepAllocator.class, "send",
                    MethodType.methodType(long.class, Geometry.class, long.class, long.class, long.class));
            this.recvOp = lookup.findVirtual(AepAllocator.class, "recv",
                    MethodType.methodType(long.class, Geometry.class, long.class, long.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        if (attach) {
            refreshGeometry();
        }
    }

    /**
     * An allocator over {@code pool}. With {@code attach} it adopts the pool's own geometry if the pool is
     * initialized (INIT then does nothing); otherwise INIT formats the pool with the given topology.
     *
     * @throws IllegalArgumentException if the pool is too small for the topology and mailboxes
     */
    public static AepAllocator open(MemorySegment pool, Topology topology, int mailboxSlots, boolean attach,
            PrintStream out) {
        return new AepAllocator(pool, topology, mailboxSlots, attach, out);
    }

    /** Sets the crash injector used by tests ({@code null} for none); call before clients run. */
    public void crashInjector(CrashInjector injector) {
        this.crash = injector;
    }

    /**
     * Names the protection domain the pool's metadata is isolated in (see {@link PoolBinding#open}). From then
     * on every public method but {@link #call} enters the domain for its duration, so the console, fsck and
     * statistics read the metadata where the hardware allows it; {@link #call} is entered by the shadow entry.
     */
    public void isolatedIn(ProtectionDomain isolation) {
        this.domain = isolation;
    }

    /**
     * Runs {@code work} inside the protection domain the metadata is isolated in (directly when there is
     * none). Nests: a caller already inside stays inside afterwards.
     */
    public <T> T inside(Supplier<T> work) {
        ProtectionDomain d = domain;
        if (d == null) {
            return work.get();
        }
        Object pass = d.enterWithPass();
        try {
            return work.get();
        } finally {
            d.leave(pass);
        }
    }

    /** The pool segment. */
    public MemorySegment memory() {
        return w.segment();
    }

    /** Whether the pool is initialized and usable. */
    public boolean ready() {
        return inside(() -> current() != null);
    }

    /**
     * Whether compiled code reaches the pool through a segment it sees as a constant (see
     * {@link org.aepdsm.allocator.internal.SegmentConstant#of}); false when that fell back to a segment in a field.
     */
    public boolean constantPoolAccess() {
        return w.constantSegment();
    }

    /** The pool's layout; the requested one before INIT. */
    public PoolLayout layout() {
        return inside(() -> {
            Geometry geo = current();
            return geo != null ? geo.layout : new PoolLayout(w.size(), requestedTopology, requestedSlots);
        });
    }

    /** The client and node layout in use. */
    public Topology topology() {
        return layout().topology();
    }

    PoolWords words() {
        return w;
    }

    Geometry geometry() {
        return current();
    }

    RedoLog redoLog() {
        return current().log;
    }

    Mailbox mailbox() {
        return current().box;
    }

    /**
     * The geometry to use for a call: the cached one while the pool's epoch is the one it was read at, else
     * the pool's current one (another process formatted the pool again), or null while it is not formatted.
     */
    private Geometry current() {
        Geometry geo = g;
        if (geo != null && w.get(PoolLayout.H_EPOCH) == geo.epoch) {
            return geo;
        }
        return reread();
    }

    private synchronized Geometry reread() {
        Geometry geo = g;
        if (geo != null && w.get(PoolLayout.H_EPOCH) != geo.epoch) {
            g = null;
            return refreshGeometry() ? g : null;
        }
        return geo != null || (attached && refreshGeometry()) ? g : null;
    }

    private synchronized boolean refreshGeometry() {
        if (g != null) {
            return true;
        }
        if (w.size() < 4096 || w.get(PoolLayout.H_MAGIC) != PoolLayout.MAGIC
                || w.get(PoolLayout.H_VERSION) != PoolLayout.VERSION
                || w.lv(PoolLayout.H_INIT) != PoolLayout.INIT_COMPLETE) {
            return false;
        }
        PoolLayout l;
        try {
            l = new PoolLayout(w.get(PoolLayout.H_SIZE), new Topology((int) w.get(PoolLayout.H_NODES),
                    (int) w.get(PoolLayout.H_CLIENTS_PER_NODE)), (int) w.get(PoolLayout.H_MAILBOX_SLOTS));
        } catch (IllegalArgumentException bad) {
            return false;
        }
        if (l.poolSize() > w.size() || l.dataStart() != w.get(PoolLayout.H_DATA_START)
                || l.segments() != w.get(PoolLayout.H_SEGMENTS)) {
            return false;
        }
        long epoch = w.get(PoolLayout.H_EPOCH);
        if (epoch == 0) {
            return false;
        }
        g = geometry(l, epoch);
        return true;
    }

    private Geometry geometry(PoolLayout l, long epoch) {
        return new Geometry(l, new RedoLog(w), new Mailbox(w, l.mailboxSlots()), l.clients(),
                l.topology().clientsPerNode(), l.segments(), l.pages(), l.dataStart(), l.dataEnd(),
                (int) epoch & 0xFFFF, epoch);
    }

    /**
     * INIT: formats the pool, unless this allocator attached to a pool that is already initialized.
     *
     * @return 0
     */
    public long init() {
        return inside(this::format);
    }

    private synchronized long format() {
        if (attached && refreshGeometry()) {
            return 0;
        }
        g = null;
        PoolLayout l = new PoolLayout(w.size(), requestedTopology, requestedSlots);
        // Epoch 0 first: a process that cached the old geometry rereads the header from its next call on.
        w.so(PoolLayout.H_EPOCH, 0);
        w.so(PoolLayout.H_INIT, PoolLayout.INIT_FORMATTING);
        w.zero(PoolLayout.H_OPS, l.dataStart() - PoolLayout.H_OPS);
        w.put(PoolLayout.H_MAGIC, PoolLayout.MAGIC);
        w.put(PoolLayout.H_VERSION, PoolLayout.VERSION);
        w.put(PoolLayout.H_SIZE, l.poolSize());
        w.put(PoolLayout.H_NODES, l.nodes());
        w.put(PoolLayout.H_CLIENTS_PER_NODE, l.topology().clientsPerNode());
        w.put(PoolLayout.H_MAILBOX_SLOTS, l.mailboxSlots());
        w.put(PoolLayout.H_SEGMENTS, l.segments());
        w.put(PoolLayout.H_DATA_START, l.dataStart());
        long epoch = new SecureRandom().nextLong() | 1;
        Geometry geo = geometry(l, epoch);
        for (int c = 0; c < l.clients(); c++) {
            for (int k = 0; k < SizeClasses.count(); k++) {
                w.put(l.classEntry(c, k) + PoolLayout.CL_LINKS, NIL_LINKS);
            }
            geo.box.format(l.clientRing(c));
        }
        for (int n = 0; n < l.nodes(); n++) {
            geo.box.format(l.nodeRing(n));
        }
        w.so(PoolLayout.H_INIT, PoolLayout.INIT_COMPLETE);
        w.so(PoolLayout.H_EPOCH, epoch);
        g = geo;
        return 0;
    }

    /**
     * The shadow entry's dispatch: one op with AEP's numbering and arguments.
     *
     * <p>SEND and RECV are called through method handles in instance fields, which the JIT does not inline, so
     * each compiles as a unit of its own. Every pool access expands to several hundred compiler nodes before they
     * fold away, and a transfer loop's dispatch holding both ops would exhaust the JIT's inlining budget and leave
     * small helpers (a record's commit store, a ring's head store) as out-of-line calls; measured single-object
     * transfers cost about a sixth more that way.
     *
     * @return a non-negative result or a negative errno; never throws for any argument values
     */
    public long call(int op, long a0, long a1, long a2, long a3) {
        if (op == ShadowEntry.INIT) {
            countGlobal(op);
            return format();
        }
        Geometry geo = current();
        if (geo == null) {
            return EINVAL;
        }
        switch (op) {
            case ShadowEntry.MALLOC:
                return malloc(geo, a0, a1, a2);
            case ShadowEntry.FREE:
                return free(geo, a0, a1);
            case ShadowEntry.LINK:
                return link(geo, a0, a1, a2);
            case ShadowEntry.UNLINK:
                return unlink(geo, a0, a1, a2);
            case ShadowEntry.SEND:
                return sendSeparately(geo, a0, a1, a2);
            case ShadowEntry.RECV:
                return recvSeparately(geo, a0, a1);
            case ShadowEntry.COUNT:
                countGlobal(op);
                return liveObjects(geo);
            case ShadowEntry.PRINT_BITMAP:
                countGlobal(op);
                return printBitmap(geo, out);
            case ShadowEntry.RECOVER:
                countGlobal(op);
                return recover(geo, a0);
            default:
                countGlobal(0);
                return EINVAL;
        }
    }

    private long sendSeparately(Geometry geo, long client, long dst, long handle) {
        try {
            return (long) sendOp.invokeExact(this, geo, client, dst, handle);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private long recvSeparately(Geometry geo, long client, long source) {
        try {
            return (long) recvOp.invokeExact(this, geo, client, source);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    // ------------------------------------------------------------------ counters

    private void countGlobal(int op) {
        w.xadd(PoolLayout.H_OPS + 8L * op, 1);
    }

    /**
     * Calls by a client are counted in its client area (each client's 16 counters are written by its one
     * thread), so statistics read in any process include the calls of every process. MALLOC and FREE count
     * only their failures here: a successful one is already counted by the client's allocation or free count,
     * which {@link #stats()} adds, so the hot path writes one counter, not two.
     */
    private void countClient(Geometry geo, int c, int op) {
        long off = geo.layout.client(c) + PoolLayout.C_CALLS + 8L * op;
        w.put(off, w.get(off) + 1);
    }

    private long liveObjects(Geometry geo) {
        long live = w.get(PoolLayout.H_LIVE_ADJUST);
        for (int c = 0; c < geo.clients; c++) {
            long base = geo.layout.client(c);
            live += w.get(base + PoolLayout.C_ALLOC_COUNT) - w.get(base + PoolLayout.C_FREE_COUNT);
        }
        return live;
    }

    /** COUNT: objects allocated and not yet freed. */
    public long count() {
        return inside(() -> {
            Geometry geo = current();
            return geo == null ? 0 : liveObjects(geo);
        });
    }

    /** A snapshot of the counters. */
    public AllocatorStats stats() {
        return inside(this::readStats);
    }

    private AllocatorStats readStats() {
        Geometry geo = current();
        List<Long> calls = new ArrayList<>();
        List<Integer> byNode = new ArrayList<>();
        if (geo == null) {
            return new AllocatorStats(calls, 0, 0, 0, 0, w.size(), byNode);
        }
        long liveBytes = 0;
        for (int op = 0; op < OPS; op++) {
            long n = w.get(PoolLayout.H_OPS + 8L * op);
            for (int c = 0; c < geo.clients; c++) {
                long base = geo.layout.client(c);
                n += w.get(base + PoolLayout.C_CALLS + 8L * op);
                if (op == ShadowEntry.MALLOC) {
                    n += w.get(base + PoolLayout.C_ALLOC_COUNT);
                } else if (op == ShadowEntry.FREE) {
                    n += w.get(base + PoolLayout.C_FREE_COUNT);
                }
            }
            calls.add(n);
        }
        for (int page = 0; page < geo.pages; page++) {
            long e = entry(geo, page);
            long info = w.get(e + INFO);
            if (SpanDescriptor.kind(info) == SLAB) {
                liveBytes += (long) liveBlocks(geo, page, info) * SizeClasses.blockSize(SpanDescriptor.cls(info));
            } else if (SpanDescriptor.kind(info) == RUN && ObjectHeader.isLive(w.get(e + RUN_HEADER))) {
                liveBytes += (SpanDescriptor.low(info) & 0xFFFFFFFFL) * PoolLayout.PAGE;
            }
        }
        long pagesInUse = 0;
        int[] nodes = new int[geo.layout.nodes()];
        for (int s = 0; s < geo.segments; s++) {
            long word = w.lv(geo.layout.segmentWord(s));
            pagesInUse += Long.bitCount(word & 0xFFFFFFFFL);
            int owner = segmentOwner(word);
            if (owner > 0 && owner <= nodes.length) {
                nodes[owner - 1]++;
            }
        }
        for (int n : nodes) {
            byNode.add(n);
        }
        return new AllocatorStats(calls, liveObjects(geo), liveBytes, pagesInUse, geo.layout.metadataBytes(),
                w.size(), byNode);
    }

    // ------------------------------------------------------------------ handle validation

    static int segmentOwner(long word) {
        return (int) (word >>> 32) & 0xFF;
    }

    private long entry(Geometry geo, long page) {
        return geo.layout.pageEntry(page);
    }

    /**
     * The header offset of the live object a handle names, or a negative errno. Slab headers lie in the data
     * area (in front of the block's bytes), run headers in the metadata area (in the span descriptor).
     */
    long locate(Geometry geo, long handle) {
        long off = handle & MASK;
        long page = spanHead(geo, off, false);
        if (page < 0) {
            return page;
        }
        long e = entry(geo, page);
        long info = w.get(e + INFO);
        int kind = SpanDescriptor.kind(info);
        long hdrOff;
        long h;
        if (kind == SLAB) {
            int cls = SpanDescriptor.cls(info);
            if (cls >= SizeClasses.count()) {
                return EINVAL;
            }
            long base = geo.layout.pageStart(page);
            long rel = off - SizeClasses.HEADER_BYTES - base;
            int idx = SizeClasses.blockIndex(cls, rel);
            if (rel < 0 || (long) idx * SizeClasses.blockSize(cls) != rel
                    || idx >= SpanDescriptor.bump(w.get(e + ALLOC))) {
                return EINVAL;
            }
            hdrOff = base + rel;
            h = w.lv(hdrOff);
            if (!ObjectHeader.magicOk(h) || ObjectHeader.cls(h) != cls) {
                return EINVAL;
            }
        } else if (kind == RUN) {
            if (off != geo.layout.pageStart(page)) {
                return EINVAL;
            }
            hdrOff = e + RUN_HEADER;
            h = w.lv(hdrOff);
        } else {
            return (w.get(e + GEN) & HELD) != 0 ? ESTALE : EINVAL;
        }
        return liveWithTag(h, handle) ? hdrOff : ESTALE;
    }

    /**
     * The first page of the span holding data offset {@code off}, or EINVAL when the offset is outside the
     * data area, unaligned, or in a body page whose head is out of range. A body page of a run names the run
     * only when {@code intoRun} (a slot inside the run's bytes); a handle must name the run's first page.
     */
    private long spanHead(Geometry geo, long off, boolean intoRun) {
        if (off < geo.dataStart || off >= geo.dataEnd || (off & 7) != 0) {
            return EINVAL;
        }
        long page = (off - geo.dataStart) >>> PoolLayout.PAGE_SHIFT;
        long info = w.get(entry(geo, page) + INFO);
        if (SpanDescriptor.kind(info) != BODY) {
            return page;
        }
        long head = SpanDescriptor.low(info);
        if (head < 0 || head >= geo.pages
                || !intoRun && SpanDescriptor.kind(w.get(entry(geo, head) + INFO)) == RUN) {
            return EINVAL;
        }
        return head;
    }

    /** Whether header word {@code h} is live with the generation the handle or slot address carries. */
    private static boolean liveWithTag(long h, long tagged) {
        return ObjectHeader.isLive(h) && ObjectHeader.gen(h) == (int) (tagged >>> GlobalRef.OFFSET_BITS);
    }

    /**
     * The header offset of the object holding the 8-byte slot a slot address names, if the caller owns it;
     * otherwise a negative errno.
     */
    private long slotObject(Geometry geo, int c, long slot) {
        long off = slot & MASK;
        long page = spanHead(geo, off, true);
        if (page < 0) {
            return page;
        }
        long e = entry(geo, page);
        long info = w.get(e + INFO);
        int kind = SpanDescriptor.kind(info);
        long hdrOff;
        if (kind == SLAB) {
            int cls = SpanDescriptor.cls(info);
            if (cls >= SizeClasses.count()) {
                return EINVAL;
            }
            long base = geo.layout.pageStart(page);
            int b = SizeClasses.blockSize(cls);
            long idx = SizeClasses.blockIndex(cls, off - base);
            hdrOff = base + idx * b;
            if (off < hdrOff + SizeClasses.HEADER_BYTES || idx >= SpanDescriptor.bump(w.get(e + ALLOC))) {
                return EINVAL;
            }
            long h = w.lv(hdrOff);
            if (!ObjectHeader.magicOk(h) || ObjectHeader.cls(h) != cls) {
                return EINVAL;
            }
        } else if (kind == RUN) {
            long base = geo.layout.pageStart(page);
            if (off + 8 > base + w.get(e + RUN_SIZE)) {
                return EINVAL;
            }
            hdrOff = e + RUN_HEADER;
        } else {
            return (w.get(e + GEN) & HELD) != 0 ? ESTALE : EINVAL;
        }
        long h = w.lv(hdrOff);
        if (!liveWithTag(h, slot)) {
            return ESTALE;
        }
        if (ObjectHeader.state(h) != OWNED || ObjectHeader.owner(h) != c) {
            return EPERM;
        }
        return hdrOff;
    }

    /** The span descriptor (page entry) of a located header. */
    private long descriptorOf(Geometry geo, long hdrOff) {
        if (hdrOff < geo.dataStart) {
            return hdrOff - RUN_HEADER;
        }
        long e = entry(geo, (hdrOff - geo.dataStart) >>> PoolLayout.PAGE_SHIFT);
        long info = w.get(e + INFO);
        return SpanDescriptor.kind(info) == BODY ? entry(geo, SpanDescriptor.low(info)) : e;
    }

    private int pageOfEntry(Geometry geo, long e) {
        return (int) ((e - geo.layout.pageEntry(0)) / PoolLayout.PAGE_ENTRY);
    }

    private int homeNode(Geometry geo, long hdrOff) {
        return SpanDescriptor.owner(w.get(descriptorOf(geo, hdrOff) + INFO)) / geo.perNode;
    }

    private boolean badClient(Geometry geo, long client) {
        return client < 0 || client >= geo.clients;
    }

    // ------------------------------------------------------------------ MALLOC

    private long malloc(Geometry geo, long client, long size, long refs) {
        if (badClient(geo, client)) {
            countGlobal(ShadowEntry.MALLOC);
            return EINVAL;
        }
        int c = (int) client;
        if (size <= 0 || size > geo.dataEnd - geo.dataStart || refs < 0 || refs > size / 8) {
            countClient(geo, c, ShadowEntry.MALLOC);
            return EINVAL;
        }
        int cls = SizeClasses.classOf(size);
        long handle = cls == SizeClasses.RUN_CLASS ? mallocRun(geo, c, size) : mallocSlab(geo, c, cls);
        if (handle > 0) {
            long data = handle & MASK;
            for (long k = 0; k < refs; k++) {
                w.put(data + 8 * k, 0);
            }
        } else {
            countClient(geo, c, ShadowEntry.MALLOC);
        }
        return handle;
    }

    /**
     * A slab block of the class for client {@code c}. The hot path, one block off the head span's free list
     * or bump pointer, lives in {@link #takeBlock} and {@link #handOut}, each small enough for the JIT to
     * inline into the entry's dispatch; refills and repairs stay out here.
     */
    private long mallocSlab(Geometry geo, int c, int cls) {
        for (int attempt = 0; attempt < 16; attempt++) {
            long h = takeBlock(geo, c, cls);
            if (h == REFILL) {
                long rc = refill(geo, c, cls);
                if (rc < 0) {
                    return rc;
                }
            } else if (h != RETRY) {
                return h;
            }
        }
        return ENOMEM;
    }

    /** One block from the head span, or {@link #REFILL} when the class has no room, or {@link #RETRY}. */
    private long takeBlock(Geometry geo, int c, int cls) {
        int head = SpanDescriptor.prev(w.get(geo.layout.classEntry(c, cls) + PoolLayout.CL_LINKS));
        if (head == NIL_PAGE) {
            return REFILL;
        }
        long e = entry(geo, head);
        long a = w.get(e + ALLOC);
        int fh = SpanDescriptor.freeHead(a);
        int bump = SpanDescriptor.bump(a);
        int used = SpanDescriptor.used(a);
        long base = geo.layout.pageStart(head);
        int b = SizeClasses.blockSize(cls);
        if (fh != NIL) {
            long blk = base + (long) fh * b;
            long fhdr = w.get(blk);
            int next = ObjectHeader.next(fhdr);
            int st = ObjectHeader.state(fhdr);
            if (fh >= bump || !ObjectHeader.magicOk(fhdr) || ObjectHeader.cls(fhdr) != cls
                    || (st != FREE && st != REMOTE_FREE) || (next != NIL && next >= bump)) {
                // A client wrote over a free block: drop the list rather than hand a block out twice.
                w.put(e + ALLOC, SpanDescriptor.alloc(used, bump, NIL));
                return RETRY;
            }
            return handOut(geo, c, cls, e, blk, ObjectHeader.gen(fhdr), SpanDescriptor.alloc(used + 1, bump, next),
                    false);
        }
        if (bump < SizeClasses.capacity(cls)) {
            return handOut(geo, c, cls, e, base + (long) bump * b, (int) w.get(e + GEN) & ObjectHeader.GEN_MASK,
                    SpanDescriptor.alloc(used + 1, bump + 1, NIL), true);
        }
        return REFILL;
    }

    /**
     * Gives the block at {@code blk} to client {@code c} under a local record (see RedoLog): the span state
     * goes first, so RECOVER still finds the next free block in the untouched header when the header was not
     * written yet.
     */
    private long handOut(Geometry geo, int c, int cls, long e, long blk, int gen, long na, boolean bumped) {
        long r = geo.layout.redo(c);
        long cnt = geo.layout.client(c) + PoolLayout.C_ALLOC_COUNT;
        long count = w.get(cnt) + 1;
        geo.log.commitLocal(r, OP_MALLOC, blk, count, bumped);
        w.put(e + ALLOC, na);
        if (crash != null) {
            crash.reached(CrashPoint.MALLOC_COMMITTED, c);
        }
        w.put(blk, ObjectHeader.live(gen, cls, OWNED, c, 0, 0));
        w.put(cnt, count);
        geo.log.clear(r);
        return ((long) gen << GlobalRef.OFFSET_BITS) | (blk + SizeClasses.HEADER_BYTES);
    }

    /** Makes the head span of the class able to allocate, or returns ENOMEM. */
    private long refill(Geometry geo, int c, int cls) {
        long ce = geo.layout.classEntry(c, cls);
        long signal = w.lv(ce + PoolLayout.CL_SIGNAL);
        if (signal != w.get(ce + PoolLayout.CL_SEEN)) {
            w.put(ce + PoolLayout.CL_SEEN, signal);
            if (collectAll(geo, c, cls) > 0) {
                return 0;
            }
        }
        int head = SpanDescriptor.prev(w.get(ce + PoolLayout.CL_LINKS));
        if (head != NIL_PAGE) {
            int second = SpanDescriptor.next(w.get(entry(geo, head) + LINKS));
            if (second != NIL_PAGE && hasFree(geo, second, cls)) {
                moveToTail(geo, c, cls, head);
                return 0;
            }
        }
        return carve(geo, c, cls);
    }

    private boolean hasFree(Geometry geo, int page, int cls) {
        long a = w.get(entry(geo, page) + ALLOC);
        return SpanDescriptor.freeHead(a) != NIL || SpanDescriptor.bump(a) < SizeClasses.capacity(cls);
    }

    private int nextGen(Geometry geo, long e) {
        long gw = w.get(e + GEN);
        return (int) ((gw & HELD) == 0 ? geo.salt : (gw & 0xFFFF) + 1) & ObjectHeader.GEN_MASK;
    }

    private long carve(Geometry geo, int c, int cls) {
        int pages = SizeClasses.spanPages(cls);
        int page = claimPages(geo, c, pages);
        if (page < 0) {
            return ENOMEM;
        }
        long r = geo.layout.redo(c);
        RedoLog log = geo.log;
        log.begin(r);
        log.arg(r, 0, page);
        log.arg(r, 1, pages);
        log.arg(r, 2, 0);
        long e = entry(geo, page);
        log.write(r, e + INFO, SpanDescriptor.info(SLAB, cls, c, pages));
        log.write(r, e + ALLOC, SpanDescriptor.alloc(0, 0, NIL));
        log.write(r, e + REMOTE, NIL);
        log.write(r, e + RUN_HEADER, 0);
        log.write(r, e + RUN_SIZE, 0);
        log.write(r, e + GEN, HELD | nextGen(geo, e));
        listPushFront(geo, r, geo.layout.classEntry(c, cls), page);
        log.commit(r, OP_CARVE);
        if (crash != null) {
            crash.reached(CrashPoint.CARVE_COMMITTED, c);
        }
        log.apply(r);
        fillBodies(geo, page, pages);
        log.clear(r);
        return 0;
    }

    private long mallocRun(Geometry geo, int c, long size) {
        long pages = SizeClasses.runPages(size);
        if (pages > geo.pages) {
            return EINVAL;
        }
        int page = pages <= PoolLayout.PAGES_PER_SEGMENT ? claimPages(geo, c, (int) pages)
                : claimSegments(geo, c, (int) pages);
        if (page < 0) {
            return ENOMEM;
        }
        long e = entry(geo, page);
        int gen = nextGen(geo, e);
        long r = geo.layout.redo(c);
        RedoLog log = geo.log;
        log.begin(r);
        log.arg(r, 0, page);
        log.arg(r, 1, pages);
        log.arg(r, 2, 1);
        log.write(r, e + INFO, SpanDescriptor.info(RUN, SizeClasses.RUN_CLASS, c, (int) pages));
        log.write(r, e + ALLOC, 0);
        log.write(r, e + REMOTE, NIL);
        log.write(r, e + LINKS, NIL_LINKS);
        log.write(r, e + RUN_HEADER, ObjectHeader.live(gen, SizeClasses.RUN_CLASS, OWNED, c, 0, 0));
        log.write(r, e + RUN_SIZE, size);
        log.write(r, e + GEN, HELD | gen);
        long cnt = geo.layout.client(c) + PoolLayout.C_ALLOC_COUNT;
        log.write(r, cnt, w.get(cnt) + 1);
        log.commit(r, OP_CARVE);
        if (crash != null) {
            crash.reached(CrashPoint.CARVE_COMMITTED, c);
        }
        log.apply(r);
        fillBodies(geo, page, pages);
        log.clear(r);
        return ((long) gen << GlobalRef.OFFSET_BITS) | geo.layout.pageStart(page);
    }

    private void fillBodies(Geometry geo, long page, long pages) {
        for (long k = 1; k < pages; k++) {
            long e = entry(geo, page + k);
            w.put(e + INFO, SpanDescriptor.body((int) page));
            w.put(e + GEN, w.get(e + GEN) | HELD);
        }
    }

    // ------------------------------------------------------------------ level 2: pages and segments

    private static int fit(long mask, int pages) {
        long bits = pages == 32 ? 0xFFFFFFFFL : (1L << pages) - 1;
        for (int start = 0; start + pages <= PoolLayout.PAGES_PER_SEGMENT; start++) {
            if ((mask & (bits << start)) == 0) {
                return start;
            }
        }
        return -1;
    }

    private static long bits(int start, int pages) {
        return (pages == 32 ? 0xFFFFFFFFL : (1L << pages) - 1) << start;
    }

    /** Claims {@code pages} (at most a segment) contiguous pages for a client of a node; -1 if none. */
    private int claimPages(Geometry geo, int c, int pages) {
        long nodeTag = c / geo.perNode + 1;
        long hintOff = geo.layout.client(c) + PoolLayout.C_SEGMENT_HINT;
        int hint = (int) Math.floorMod(w.get(hintOff), (long) geo.segments);
        for (int i = 0; i < geo.segments; i++) {
            int s = (hint + i) % geo.segments;
            long off = geo.layout.segmentWord(s);
            while (true) {
                long word = w.lv(off);
                if (segmentOwner(word) != nodeTag) {
                    break;
                }
                int start = fit(word & 0xFFFFFFFFL, pages);
                if (start < 0) {
                    break;
                }
                if (w.cas(off, word, word | bits(start, pages))) {
                    w.put(hintOff, s);
                    return s * PoolLayout.PAGES_PER_SEGMENT + start;
                }
            }
        }
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < geo.segments; i++) {
                int s = (hint + i) % geo.segments;
                long off = geo.layout.segmentWord(s);
                long word = w.lv(off);
                boolean take = pass == 0 ? word == 0 : (word & 0xFFFFFFFFL) == 0 && segmentOwner(word) != nodeTag;
                if (take && w.cas(off, word, (nodeTag << 32) | bits(0, pages))) {
                    w.put(hintOff, s);
                    return s * PoolLayout.PAGES_PER_SEGMENT;
                }
            }
        }
        return -1;
    }

    /** Claims contiguous empty segments for a run of more than one segment; -1 if none. */
    private int claimSegments(Geometry geo, int c, int pages) {
        long nodeTag = c / geo.perNode + 1;
        int k = (pages + PoolLayout.PAGES_PER_SEGMENT - 1) / PoolLayout.PAGES_PER_SEGMENT;
        int lastPages = pages - (k - 1) * PoolLayout.PAGES_PER_SEGMENT;
        int s0 = 0;
        while (s0 + k <= geo.segments) {
            int got = 0;
            for (; got < k; got++) {
                long off = geo.layout.segmentWord(s0 + got);
                long word = w.lv(off);
                if ((word & 0xFFFFFFFFL) != 0) {
                    break;
                }
                long mask = got == k - 1 ? bits(0, lastPages) : 0xFFFFFFFFL;
                if (!w.cas(off, word, (nodeTag << 32) | mask)) {
                    break;
                }
            }
            if (got == k) {
                return s0 * PoolLayout.PAGES_PER_SEGMENT;
            }
            for (int j = 0; j < got; j++) {
                w.put(geo.layout.segmentWord(s0 + j), nodeTag << 32);
            }
            s0 += got + 1;
        }
        return -1;
    }

    /** Returns pages to their segments (the segments stay with their node). Idempotent until re-claimed. */
    private void releasePages(Geometry geo, long page, long pages) {
        for (long k = 1; k < pages; k++) {
            w.put(entry(geo, page + k) + INFO, 0);
        }
        long p = page;
        long left = pages;
        while (left > 0) {
            int s = (int) (p / PoolLayout.PAGES_PER_SEGMENT);
            int start = (int) (p % PoolLayout.PAGES_PER_SEGMENT);
            int n = (int) Math.min(left, PoolLayout.PAGES_PER_SEGMENT - start);
            long b = bits(start, n);
            long off = geo.layout.segmentWord(s);
            while (true) {
                long word = w.lv(off);
                if (w.cas(off, word, word & ~b)) {
                    break;
                }
            }
            p += n;
            left -= n;
        }
    }

    // ------------------------------------------------------------------ span lists (client-owned)

    private void listUnlink(Geometry geo, long r, long ce, int s) {
        RedoLog log = geo.log;
        long e = entry(geo, s);
        long l = log.read(r, e + LINKS);
        int p = SpanDescriptor.prev(l);
        int n = SpanDescriptor.next(l);
        if (p != NIL_PAGE) {
            long pe = entry(geo, p) + LINKS;
            log.write(r, pe, SpanDescriptor.links(SpanDescriptor.prev(log.read(r, pe)), n));
        } else {
            long cl = log.read(r, ce + PoolLayout.CL_LINKS);
            log.write(r, ce + PoolLayout.CL_LINKS, SpanDescriptor.links(n, SpanDescriptor.next(cl)));
        }
        if (n != NIL_PAGE) {
            long ne = entry(geo, n) + LINKS;
            log.write(r, ne, SpanDescriptor.links(p, SpanDescriptor.next(log.read(r, ne))));
        } else {
            long cl = log.read(r, ce + PoolLayout.CL_LINKS);
            log.write(r, ce + PoolLayout.CL_LINKS, SpanDescriptor.links(SpanDescriptor.prev(cl), p));
        }
        log.write(r, e + LINKS, NIL_LINKS);
    }

    private void listPushFront(Geometry geo, long r, long ce, int s) {
        RedoLog log = geo.log;
        long cl = log.read(r, ce + PoolLayout.CL_LINKS);
        int h = SpanDescriptor.prev(cl);
        log.write(r, entry(geo, s) + LINKS, SpanDescriptor.links(NIL_PAGE, h));
        if (h != NIL_PAGE) {
            long he = entry(geo, h) + LINKS;
            log.write(r, he, SpanDescriptor.links(s, SpanDescriptor.next(log.read(r, he))));
            log.write(r, ce + PoolLayout.CL_LINKS, SpanDescriptor.links(s, SpanDescriptor.next(cl)));
        } else {
            log.write(r, ce + PoolLayout.CL_LINKS, SpanDescriptor.links(s, s));
        }
    }

    private void listPushBack(Geometry geo, long r, long ce, int s) {
        RedoLog log = geo.log;
        long cl = log.read(r, ce + PoolLayout.CL_LINKS);
        int t = SpanDescriptor.next(cl);
        log.write(r, entry(geo, s) + LINKS, SpanDescriptor.links(t, NIL_PAGE));
        if (t != NIL_PAGE) {
            long te = entry(geo, t) + LINKS;
            log.write(r, te, SpanDescriptor.links(SpanDescriptor.prev(log.read(r, te)), s));
            log.write(r, ce + PoolLayout.CL_LINKS, SpanDescriptor.links(SpanDescriptor.prev(cl), s));
        } else {
            log.write(r, ce + PoolLayout.CL_LINKS, SpanDescriptor.links(s, s));
        }
    }

    private void moveToFront(Geometry geo, int c, int cls, int s) {
        long ce = geo.layout.classEntry(c, cls);
        long r = geo.layout.redo(c);
        geo.log.begin(r);
        listUnlink(geo, r, ce, s);
        listPushFront(geo, r, ce, s);
        geo.log.commit(r, OP_LIST);
        geo.log.apply(r);
        geo.log.clear(r);
    }

    /** Puts a span that just got a free block right behind the active one, where refill looks first. */
    private void moveToSecond(Geometry geo, int c, int cls, int s, int head) {
        long ce = geo.layout.classEntry(c, cls);
        long r = geo.layout.redo(c);
        RedoLog log = geo.log;
        log.begin(r);
        listUnlink(geo, r, ce, s);
        long he = entry(geo, head) + LINKS;
        long hl = log.read(r, he);
        int after = SpanDescriptor.next(hl);
        log.write(r, entry(geo, s) + LINKS, SpanDescriptor.links(head, after));
        log.write(r, he, SpanDescriptor.links(SpanDescriptor.prev(hl), s));
        if (after != NIL_PAGE) {
            long ae = entry(geo, after) + LINKS;
            log.write(r, ae, SpanDescriptor.links(s, SpanDescriptor.next(log.read(r, ae))));
        } else {
            long cl = log.read(r, ce + PoolLayout.CL_LINKS);
            log.write(r, ce + PoolLayout.CL_LINKS, SpanDescriptor.links(SpanDescriptor.prev(cl), s));
        }
        log.commit(r, OP_LIST);
        log.apply(r);
        log.clear(r);
    }

    private void moveToTail(Geometry geo, int c, int cls, int s) {
        long ce = geo.layout.classEntry(c, cls);
        long r = geo.layout.redo(c);
        geo.log.begin(r);
        listUnlink(geo, r, ce, s);
        listPushBack(geo, r, ce, s);
        geo.log.commit(r, OP_LIST);
        geo.log.apply(r);
        geo.log.clear(r);
    }

    private void releaseSlab(Geometry geo, int c, int cls, int page) {
        long ce = geo.layout.classEntry(c, cls);
        long e = entry(geo, page);
        long r = geo.layout.redo(c);
        RedoLog log = geo.log;
        log.begin(r);
        log.arg(r, 0, page);
        log.arg(r, 1, SizeClasses.spanPages(cls));
        log.arg(r, 2, 0);
        listUnlink(geo, r, ce, page);
        log.write(r, e + INFO, 0);
        log.write(r, e + ALLOC, 0);
        log.write(r, e + REMOTE, 0);
        log.commit(r, OP_RELEASE);
        if (crash != null) {
            crash.reached(CrashPoint.RELEASE_COMMITTED, c);
        }
        log.apply(r);
        releasePages(geo, page, SizeClasses.spanPages(cls));
        log.step(r, 1);
        log.clear(r);
    }

    // ------------------------------------------------------------------ remote frees

    private long collectAll(Geometry geo, int c, int cls) {
        long ce = geo.layout.classEntry(c, cls);
        long total = 0;
        int s = SpanDescriptor.prev(w.get(ce + PoolLayout.CL_LINKS));
        int guard = 0;
        while (s != NIL_PAGE && guard++ < geo.pages) {
            int next = SpanDescriptor.next(w.get(entry(geo, s) + LINKS));
            int n = collect(geo, c, cls, s);
            if (n > 0) {
                total += n;
                int head = SpanDescriptor.prev(w.get(ce + PoolLayout.CL_LINKS));
                if (SpanDescriptor.used(w.get(entry(geo, s) + ALLOC)) == 0 && s != head) {
                    releaseSlab(geo, c, cls, s);
                } else {
                    moveToFront(geo, c, cls, s);
                }
            }
            s = next;
        }
        return total;
    }

    /** Moves a span's remote stack onto its local free list; returns the blocks moved. */
    private int collect(Geometry geo, int c, int cls, int page) {
        long e = entry(geo, page);
        if (w.lv(e + REMOTE) == NIL) {
            return 0;
        }
        long r = geo.layout.redo(c);
        geo.log.begin(r);
        geo.log.arg(r, 0, page);
        geo.log.arg(r, 1, NIL);
        geo.log.intent(r, OP_COLLECT);
        int chain = (int) w.xchg(e + REMOTE, NIL);
        geo.log.arg(r, 1, chain);
        return splice(geo, r, c, cls, page, chain);
    }

    private int splice(Geometry geo, long r, int c, int cls, int page, int chain) {
        RedoLog log = geo.log;
        long e = entry(geo, page);
        long base = geo.layout.pageStart(page);
        int b = SizeClasses.blockSize(cls);
        long a = w.get(e + ALLOC);
        int bump = SpanDescriptor.bump(a);
        int n = 0;
        int tail = NIL;
        int x = chain;
        while (x != NIL && x < bump && n < bump) {
            long h = w.get(base + (long) x * b);
            if (!ObjectHeader.magicOk(h) || ObjectHeader.cls(h) != cls || ObjectHeader.state(h) != REMOTE_FREE) {
                break;
            }
            tail = x;
            n++;
            x = ObjectHeader.next(h);
        }
        if (n == 0) {
            log.clear(r);
            return 0;
        }
        long tailOff = base + (long) tail * b;
        log.write(r, tailOff, ObjectHeader.withNext(w.get(tailOff), SpanDescriptor.freeHead(a)));
        log.write(r, e + ALLOC, SpanDescriptor.alloc(SpanDescriptor.used(a) - n, bump, chain));
        log.commit(r, OP_COLLECT);
        if (crash != null) {
            crash.reached(CrashPoint.COLLECT_COMMITTED, c);
        }
        log.apply(r);
        log.clear(r);
        return n;
    }

    private void pushRemote(long e, long hdrOff, long freed, int idx) {
        while (true) {
            long top = w.lv(e + REMOTE);
            w.put(hdrOff, ObjectHeader.withNext(freed, (int) top));
            if (w.cas(e + REMOTE, top, idx)) {
                return;
            }
        }
    }

    // ------------------------------------------------------------------ FREE

    private long free(Geometry geo, long client, long handle) {
        if (badClient(geo, client)) {
            countGlobal(ShadowEntry.FREE);
            return EINVAL;
        }
        int c = (int) client;
        // Fast path: a slab block in a one-page span the caller carved; anything else takes the general path.
        long off = handle & MASK;
        if (handle > 0 && off >= geo.dataStart + SizeClasses.HEADER_BYTES && off < geo.dataEnd) {
            int page = (int) ((off - geo.dataStart) >>> PoolLayout.PAGE_SHIFT);
            long e = entry(geo, page);
            long info = w.get(e + INFO);
            int cls = SpanDescriptor.cls(info);
            if (SpanDescriptor.kind(info) == SLAB && SpanDescriptor.owner(info) == c && cls < SizeClasses.count()) {
                long base = geo.layout.pageStart(page);
                long rel = off - SizeClasses.HEADER_BYTES - base;
                int idx = SizeClasses.blockIndex(cls, rel);
                long hdrOff = base + rel;
                long a = w.get(e + ALLOC);
                if ((long) idx * SizeClasses.blockSize(cls) == rel && idx < SpanDescriptor.bump(a)) {
                    long h = w.get(hdrOff);
                    if (h == ObjectHeader.live((int) (handle >>> GlobalRef.OFFSET_BITS), cls, OWNED, c, 0, 0)) {
                        return freeLocal(geo, c, cls, page, e, a, hdrOff, idx, h);
                    }
                }
            }
        }
        long rc = freeAs(geo, c, handle);
        if (rc < 0) {
            countClient(geo, c, ShadowEntry.FREE);
        }
        return rc;
    }

    private long freeAs(Geometry geo, int c, long handle) {
        while (true) {
            long hdrOff = locate(geo, handle);
            if (hdrOff < 0) {
                return hdrOff;
            }
            long h = w.lv(hdrOff);
            if (ObjectHeader.state(h) != OWNED || ObjectHeader.owner(h) != c) {
                return EPERM;
            }
            if (ObjectHeader.refs(h) != 0) {
                return EBUSY;
            }
            if (hdrOff < geo.dataStart) {
                return freeRun(geo, c, hdrOff, h);
            }
            long e = descriptorOf(geo, hdrOff);
            int page = pageOfEntry(geo, e);
            long info = w.get(e + INFO);
            int cls = SpanDescriptor.cls(info);
            int idx = SizeClasses.blockIndex(cls, hdrOff - geo.layout.pageStart(page));
            int spanOwner = SpanDescriptor.owner(info);
            if (spanOwner == c) {
                return freeLocal(geo, c, cls, page, e, w.get(e + ALLOC), hdrOff, idx, h);
            }
            long rc = freeRemote(geo, c, cls, page, e, spanOwner, hdrOff, idx, h);
            if (rc != RETRY) {
                return rc;
            }
        }
    }

    private long freeLocal(Geometry geo, int c, int cls, int page, long e, long a, long hdrOff, int idx, long h) {
        int used = SpanDescriptor.used(a);
        int bump = SpanDescriptor.bump(a);
        int fh = SpanDescriptor.freeHead(a);
        boolean wasFull = fh == NIL && bump == SizeClasses.capacity(cls);
        long nh = ObjectHeader.free(ObjectHeader.gen(h) + 1, cls, FREE, fh);
        long na = SpanDescriptor.alloc(used - 1, bump, idx);
        long r = geo.layout.redo(c);
        long cnt = geo.layout.client(c) + PoolLayout.C_FREE_COUNT;
        long count = w.get(cnt) + 1;
        geo.log.commitLocal(r, OP_FREE, hdrOff, count, false);
        if (crash != null) {
            crash.reached(CrashPoint.FREE_COMMITTED, c);
        }
        w.put(hdrOff, nh);
        w.put(e + ALLOC, na);
        w.put(cnt, count);
        geo.log.clear(r);
        if (used == 1 || wasFull) {
            int head = SpanDescriptor.prev(w.get(geo.layout.classEntry(c, cls) + PoolLayout.CL_LINKS));
            if (head != page) {
                if (used == 1) {
                    releaseSlab(geo, c, cls, page);
                } else {
                    moveToSecond(geo, c, cls, page, head);
                }
            }
        }
        return 0;
    }

    private long freeRemote(Geometry geo, int c, int cls, int page, long e, int spanOwner, long hdrOff, int idx,
            long h) {
        long r = geo.layout.redo(c);
        RedoLog log = geo.log;
        log.begin(r);
        log.arg(r, 0, hdrOff);
        log.arg(r, 1, h);
        log.arg(r, 2, page);
        long cnt = geo.layout.client(c) + PoolLayout.C_FREE_COUNT;
        long count = w.get(cnt) + 1;
        log.arg(r, 3, count);
        log.intent(r, OP_FREE_REMOTE);
        long nh = ObjectHeader.free(ObjectHeader.gen(h) + 1, cls, REMOTE_FREE, NIL);
        if (!w.cas(hdrOff, h, nh)) {
            log.clear(r);
            return RETRY;
        }
        if (crash != null) {
            crash.reached(CrashPoint.REMOTE_FREE_MARKED, c);
        }
        w.put(cnt, count);
        pushRemote(e, hdrOff, nh, idx);
        log.step(r, 1);
        w.xadd(geo.layout.classEntry(spanOwner, cls) + PoolLayout.CL_SIGNAL, 1);
        log.clear(r);
        return 0;
    }

    private long freeRun(Geometry geo, int c, long hdrOff, long h) {
        long e = hdrOff - RUN_HEADER;
        int page = pageOfEntry(geo, e);
        long pages = SpanDescriptor.low(w.get(e + INFO)) & 0xFFFFFFFFL;
        long r = geo.layout.redo(c);
        RedoLog log = geo.log;
        log.begin(r);
        log.arg(r, 0, page);
        log.arg(r, 1, pages);
        log.arg(r, 2, 1);
        log.write(r, e + RUN_HEADER, ObjectHeader.free(ObjectHeader.gen(h) + 1, SizeClasses.RUN_CLASS, FREE, NIL));
        log.write(r, e + INFO, 0);
        log.write(r, e + RUN_SIZE, 0);
        long cnt = geo.layout.client(c) + PoolLayout.C_FREE_COUNT;
        log.write(r, cnt, w.get(cnt) + 1);
        log.commit(r, OP_RELEASE);
        if (crash != null) {
            crash.reached(CrashPoint.RELEASE_COMMITTED, c);
        }
        log.apply(r);
        releasePages(geo, page, pages);
        log.step(r, 1);
        log.clear(r);
        return 0;
    }

    // ------------------------------------------------------------------ SEND / RECV

    private long send(Geometry geo, long client, long dst, long handle) {
        if (badClient(geo, client)) {
            countGlobal(ShadowEntry.SEND);
            return EINVAL;
        }
        int c = (int) client;
        countClient(geo, c, ShadowEntry.SEND);
        if (badClient(geo, dst)) {
            return EINVAL;
        }
        long hdrOff = locate(geo, handle);
        if (hdrOff < 0) {
            return hdrOff;
        }
        long h = w.lv(hdrOff);
        if (ObjectHeader.state(h) != OWNED || ObjectHeader.owner(h) != c) {
            return EPERM;
        }
        int d = (int) dst;
        long ring = ringTo(geo, c, d);
        // A death between the reservation and the record leaves a cell reserved and never published: the sweep
        // retires it (see PoolSweep); nothing else has changed by then, so no record is needed before it.
        long pos = geo.box.reserve(ring);
        if (pos < 0) {
            return EAGAIN;
        }
        long r = geo.layout.redo(c);
        RedoLog log = geo.log;
        log.arg(r, 0, handle);
        log.arg(r, 1, pos);
        log.commitTransfer(r, OP_SEND, d);
        if (crash != null) {
            crash.reached(CrashPoint.SEND_RESERVED, c);
        }
        markInFlight(hdrOff, handle, c, d);
        if (crash != null) {
            crash.reached(CrashPoint.SEND_MARKED, c);
        }
        geo.box.publish(ring, pos, handle, Mailbox.meta(c, d), hdrOff);
        log.clear(r);
        return 1;
    }

    /** The ring a message from {@code c} to {@code d} goes through: d's own on c's node, else d's node's. */
    private static long ringTo(Geometry geo, int c, int d) {
        return c / geo.perNode == d / geo.perNode ? geo.layout.clientRing(d) : geo.layout.nodeRing(d / geo.perNode);
    }

    private static boolean inFlightTo(long h, long handle, int c) {
        return ObjectHeader.magicOk(h) && ObjectHeader.gen(h) == (int) (handle >>> GlobalRef.OFFSET_BITS)
                && ObjectHeader.state(h) == IN_FLIGHT && ObjectHeader.owner(h) == c;
    }

    private void markInFlight(long hdrOff, long handle, int c, int d) {
        int tag = (int) (handle >>> GlobalRef.OFFSET_BITS);
        while (true) {
            long h = w.lv(hdrOff);
            if (ObjectHeader.gen(h) != tag || ObjectHeader.state(h) != OWNED || ObjectHeader.owner(h) != c) {
                return;
            }
            if (w.cas(hdrOff, h, ObjectHeader.withOwner(h, IN_FLIGHT, d))) {
                return;
            }
        }
    }

    private long recv(Geometry geo, long client, long source) {
        if (badClient(geo, client)) {
            countGlobal(ShadowEntry.RECV);
            return EINVAL;
        }
        int c = (int) client;
        countClient(geo, c, ShadowEntry.RECV);
        if (source != ShadowEntry.ANY_SENDER && badClient(geo, source)) {
            return EINVAL;
        }
        int src = (int) source;
        boolean same = src >= 0 && src / geo.perNode == c / geo.perNode;
        if (src < 0 || same) {
            long v = take(geo, c, geo.layout.clientRing(c), src);
            if (v != EAGAIN || same) {
                return v;
            }
        }
        return take(geo, c, geo.layout.nodeRing(c / geo.perNode), src);
    }

    /**
     * Takes the oldest message for {@code c} from one ring. The record (handle and position) is committed before
     * the claim, so RECOVER finishes the receive exactly when the cell is no longer published: only the addressee
     * ever claims a message, on a node's ring as on its own.
     */
    private long take(Geometry geo, int c, long ring, int src) {
        RedoLog log = geo.log;
        long r = geo.layout.redo(c);
        boolean own = ring == geo.layout.clientRing(c);
        while (true) {
            long pos = geo.box.find(ring, c, src);
            if (pos < 0) {
                return EAGAIN;
            }
            long handle = geo.box.handleAt(ring, pos);
            long hint = geo.box.headerAt(ring, pos);
            log.arg(r, 0, handle);
            log.arg(r, 1, pos);
            log.commitTransfer(r, OP_RECV, own ? RECV_OWN_RING : 0);
            if (own) {
                geo.box.takeOwn(ring, pos);
            } else if (!geo.box.claim(ring, pos)) {
                log.clear(r);
                continue;
            }
            if (crash != null) {
                crash.reached(CrashPoint.RECV_CLAIMED, c);
            }
            long rc = finishRecv(geo, c, handle, hint);
            if (!own) {
                geo.box.advance(ring);
            }
            log.clear(r);
            return rc;
        }
    }

    /**
     * Makes the received object the receiver's. {@code hint} is the header offset the sender stored with the
     * message; it is used when it is 8-aligned, inside the page map or data area, and names a header in flight
     * to this receiver with the handle's generation; anything else (or no hint: -1) finds the header from the
     * handle.
     */
    private long finishRecv(Geometry geo, int c, long handle, long hint) {
        long hdrOff = hint >= geo.layout.pageEntry(0) && hint < geo.dataEnd && (hint & 7) == 0
                && inFlightTo(w.lv(hint), handle, c) ? hint : locate(geo, handle);
        if (hdrOff < 0) {
            return EINVAL;
        }
        int tag = (int) (handle >>> GlobalRef.OFFSET_BITS);
        while (true) {
            long h = w.lv(hdrOff);
            if (ObjectHeader.gen(h) != tag || ObjectHeader.state(h) != IN_FLIGHT || ObjectHeader.owner(h) != c) {
                return ObjectHeader.gen(h) == tag && ObjectHeader.state(h) == OWNED && ObjectHeader.owner(h) == c
                        ? handle : EINVAL;
            }
            if (w.cas(hdrOff, h, ObjectHeader.withOwner(h, OWNED, c))) {
                return handle;
            }
        }
    }

    // ------------------------------------------------------------------ LINK / UNLINK

    /**
     * The pool offset of a LINK's or UNLINK's slot: an 8-byte slot of a live object the client owns; or a negative
     * errno. Counts the call.
     */
    private long checkedSlot(Geometry geo, long client, long slot, int op) {
        if (badClient(geo, client)) {
            countGlobal(op);
            return EINVAL;
        }
        countClient(geo, (int) client, op);
        long so = slotObject(geo, (int) client, slot);
        return so < 0 ? so : slot & MASK;
    }

    /**
     * Writes and commits a LINK's or UNLINK's record: the slot's new value as a pair, the count change as
     * arguments (slot, target, target's header, level), which RECOVER applies again after a death past the commit.
     */
    private long commitReference(Geometry geo, int c, int op, long slotOff, long slotValue, long target, long tOff,
            boolean cross, CrashPoint committed) {
        long r = geo.layout.redo(c);
        RedoLog log = geo.log;
        log.begin(r);
        log.arg(r, 0, slotOff);
        log.arg(r, 1, target);
        log.arg(r, 2, tOff);
        log.arg(r, 3, cross ? 1 : 0);
        log.write(r, slotOff, slotValue);
        log.commit(r, op);
        if (crash != null) {
            crash.reached(committed, c);
        }
        return r;
    }

    private long link(Geometry geo, long client, long slot, long target) {
        long slotOff = checkedSlot(geo, client, slot, ShadowEntry.LINK);
        if (slotOff < 0) {
            return slotOff;
        }
        int c = (int) client;
        if (w.get(slotOff) != 0) {
            return EEXIST;
        }
        long tOff = locate(geo, target);
        if (tOff < 0) {
            return tOff;
        }
        boolean cross = c / geo.perNode != homeNode(geo, tOff);
        if (ObjectHeader.withRefDelta(w.lv(tOff), cross, 1) == -1) {
            return ENOMEM;
        }
        long r = commitReference(geo, c, OP_LINK, slotOff, target, target, tOff, cross, CrashPoint.LINK_COMMITTED);
        w.put(slotOff, target);
        long rc = adjustRefs(tOff, target, cross, 1);
        if (rc < 0) {
            w.put(slotOff, 0);
        }
        geo.log.step(r, 1);
        geo.log.clear(r);
        return rc;
    }

    private long unlink(Geometry geo, long client, long slot, long target) {
        long slotOff = checkedSlot(geo, client, slot, ShadowEntry.UNLINK);
        if (slotOff < 0) {
            return slotOff;
        }
        int c = (int) client;
        if (target == 0 || w.get(slotOff) != target) {
            return EINVAL;
        }
        long tOff = locate(geo, target);
        if (tOff < 0) {
            return tOff;
        }
        boolean cross = c / geo.perNode != homeNode(geo, tOff);
        if (ObjectHeader.withRefDelta(w.lv(tOff), cross, -1) == -1) {
            return EINVAL;
        }
        long r = commitReference(geo, c, OP_UNLINK, slotOff, 0, target, tOff, cross, CrashPoint.UNLINK_COMMITTED);
        w.put(slotOff, 0);
        adjustRefs(tOff, target, cross, -1);
        geo.log.step(r, 1);
        geo.log.clear(r);
        return 0;
    }

    private long adjustRefs(long hdrOff, long handle, boolean cross, int delta) {
        int tag = (int) (handle >>> GlobalRef.OFFSET_BITS);
        while (true) {
            long h = w.lv(hdrOff);
            if (!ObjectHeader.isLive(h) || ObjectHeader.gen(h) != tag) {
                return ESTALE;
            }
            long nh = ObjectHeader.withRefDelta(h, cross, delta);
            if (nh == -1) {
                return delta > 0 ? ENOMEM : EINVAL;
            }
            if (w.cas(hdrOff, h, nh)) {
                return 0;
            }
        }
    }

    // ------------------------------------------------------------------ RECOVER

    private long recover(Geometry geo, long target) {
        if (target == ShadowEntry.RECOVER_ALL) {
            long sum = 0;
            for (int c = 0; c < geo.clients; c++) {
                sum += recoverClient(geo, c);
            }
            new PoolSweep(this).run(liveObjects(geo));
            return sum;
        }
        if (badClient(geo, target)) {
            return EINVAL;
        }
        return recoverClient(geo, (int) target);
    }

    private long recoverClient(Geometry geo, int c) {
        replay(geo, c);
        long reclaimed = 0;
        for (int page = 0; page < geo.pages; page++) {
            long e = entry(geo, page);
            long info = w.lv(e + INFO);
            int kind = SpanDescriptor.kind(info);
            if (kind == SLAB) {
                int cls = SpanDescriptor.cls(info);
                if (cls >= SizeClasses.count()) {
                    continue;
                }
                int b = SizeClasses.blockSize(cls);
                long base = geo.layout.pageStart(page);
                int bump = SpanDescriptor.bump(w.get(e + ALLOC));
                for (int i = 0; i < bump && w.lv(e + INFO) == info; i++) {
                    long blk = base + (long) i * b;
                    long h = w.lv(blk);
                    if (reclaimable(h, c) && ObjectHeader.cls(h) == cls
                            && freeAs(geo, c, ((long) ObjectHeader.gen(h) << GlobalRef.OFFSET_BITS)
                                    | (blk + SizeClasses.HEADER_BYTES)) == 0) {
                        reclaimed++;
                    }
                }
            } else if (kind == RUN) {
                long h = w.lv(e + RUN_HEADER);
                if (reclaimable(h, c) && freeAs(geo, c,
                        ((long) ObjectHeader.gen(h) << GlobalRef.OFFSET_BITS) | geo.layout.pageStart(page)) == 0) {
                    reclaimed++;
                }
            }
        }
        return reclaimed;
    }

    private static boolean reclaimable(long h, int c) {
        return ObjectHeader.magicOk(h) && ObjectHeader.state(h) == OWNED && ObjectHeader.owner(h) == c
                && ObjectHeader.refs(h) == 0;
    }

    /** Completes or undoes the client's pending redo record. */
    private void replay(Geometry geo, int c) {
        RedoLog log = geo.log;
        long r = geo.layout.redo(c);
        long word = log.header(r);
        if (word == 0) {
            return;
        }
        int op = RedoLog.op(word);
        boolean committed = RedoLog.state(word) == RedoLog.COMMITTED;
        switch (op) {
            case OP_LIST -> {
                if (committed) {
                    log.apply(r);
                }
            }
            case OP_MALLOC, OP_FREE -> {
                // The record holds the client's new count as an absolute value: completing it twice counts once.
                if (committed) {
                    finishLocal(geo, c, op == OP_MALLOC, r, word);
                }
            }
            case OP_CARVE -> {
                if (committed) {
                    log.apply(r);
                    fillBodies(geo, log.arg(r, 0), log.arg(r, 1));
                }
            }
            case OP_RELEASE -> {
                if (committed) {
                    log.apply(r);
                    if (log.step(r) < 1) {
                        releasePages(geo, log.arg(r, 0), log.arg(r, 1));
                    }
                }
            }
            case OP_COLLECT -> {
                if (committed) {
                    log.apply(r);
                } else {
                    int page = (int) log.arg(r, 0);
                    int chain = (int) log.arg(r, 1);
                    long info = w.get(entry(geo, page) + INFO);
                    if (chain != NIL && SpanDescriptor.kind(info) == SLAB) {
                        log.begin(r);
                        splice(geo, r, c, SpanDescriptor.cls(info), page, chain);
                    }
                }
            }
            case OP_FREE_REMOTE -> replayRemoteFree(geo, r);
            case OP_SEND -> {
                if (committed) {
                    long handle = log.arg(r, 0);
                    long pos = log.arg(r, 1);
                    int d = (int) RedoLog.transferDetail(word);
                    long ring = ringTo(geo, c, d);
                    long hdrOff = locate(geo, handle);
                    if (hdrOff >= 0) {
                        markInFlight(hdrOff, handle, c, d);
                    }
                    if (geo.box.reservedUnpublished(ring, pos)) {
                        geo.box.publish(ring, pos, handle, Mailbox.meta(c, d), hdrOff);
                    }
                }
            }
            case OP_RECV -> {
                long handle = log.arg(r, 0);
                long pos = log.arg(r, 1);
                boolean own = RedoLog.transferDetail(word) == RECV_OWN_RING;
                long ring = own ? geo.layout.clientRing(c) : geo.layout.nodeRing(c / geo.perNode);
                if (committed && !geo.box.published(ring, pos)) {
                    finishRecv(geo, c, handle, -1);
                    if (own) {
                        geo.box.advanceOwn(ring);
                    } else {
                        geo.box.advance(ring);
                    }
                }
            }
            case OP_LINK -> {
                if (committed) {
                    log.apply(r);
                    if (log.step(r) < 1
                            && adjustRefs(log.arg(r, 2), log.arg(r, 1), log.arg(r, 3) != 0, 1) < 0) {
                        w.put(log.arg(r, 0), 0);
                    }
                }
            }
            case OP_UNLINK -> {
                if (committed) {
                    log.apply(r);
                    if (log.step(r) < 1) {
                        adjustRefs(log.arg(r, 2), log.arg(r, 1), log.arg(r, 3) != 0, -1);
                    }
                }
            }
            default -> {
                // An unknown record cannot be replayed safely; dropping it leaves at most a leak fsck reports.
            }
        }
        log.clear(r);
    }

    /**
     * Completes a local MALLOC or FREE from its record: which of its two stores (span state, block header) are
     * missing is read off the pool, each is written as the op would have written it, and the client's count is
     * set to the value the record holds. A record that names no block of a span of the client is dropped.
     */
    private void finishLocal(Geometry geo, int c, boolean malloc, long r, long word) {
        long hdrOff = RedoLog.localHeader(word);
        if (hdrOff < geo.dataStart || hdrOff >= geo.dataEnd || (hdrOff & 7) != 0) {
            return;
        }
        long e = descriptorOf(geo, hdrOff);
        long info = w.get(e + INFO);
        int cls = SpanDescriptor.cls(info);
        if (SpanDescriptor.kind(info) != SLAB || SpanDescriptor.owner(info) != c || cls >= SizeClasses.count()) {
            return;
        }
        long rel = hdrOff - geo.layout.pageStart(pageOfEntry(geo, e));
        int idx = SizeClasses.blockIndex(cls, rel);
        if ((long) idx * SizeClasses.blockSize(cls) != rel || idx >= SizeClasses.capacity(cls)) {
            return;
        }
        long a = w.get(e + ALLOC);
        int used = SpanDescriptor.used(a);
        int bump = SpanDescriptor.bump(a);
        int fh = SpanDescriptor.freeHead(a);
        long h = w.get(hdrOff);
        if (malloc) {
            boolean bumped = RedoLog.localBumped(word);
            if (bumped ? bump == idx : fh == idx) {
                // The span still offers the block, so its header is untouched and holds the next free block.
                w.put(e + ALLOC, bumped ? SpanDescriptor.alloc(used + 1, bump + 1, NIL)
                        : SpanDescriptor.alloc(used + 1, bump, ObjectHeader.next(h)));
            }
            int gen = bumped ? (int) w.get(e + GEN) & ObjectHeader.GEN_MASK : ObjectHeader.gen(h);
            w.put(hdrOff, ObjectHeader.live(gen, cls, OWNED, c, 0, 0));
            finishCount(geo.layout.client(c) + PoolLayout.C_ALLOC_COUNT, word);
        } else {
            if (ObjectHeader.isLive(h)) {
                w.put(hdrOff, ObjectHeader.free(ObjectHeader.gen(h) + 1, cls, FREE, fh));
            }
            if (fh != idx) {
                w.put(e + ALLOC, SpanDescriptor.alloc(used - 1, bump, idx));
            }
            finishCount(geo.layout.client(c) + PoolLayout.C_FREE_COUNT, word);
        }
    }

    /** Adds the op's one count unless the client stored it already: the record knows the new count's parity. */
    private void finishCount(long cnt, long word) {
        long count = w.get(cnt);
        if ((count & 1) != RedoLog.localParity(word)) {
            w.put(cnt, count + 1);
        }
    }

    private void replayRemoteFree(Geometry geo, long r) {
        RedoLog log = geo.log;
        long hdrOff = log.arg(r, 0);
        long old = log.arg(r, 1);
        int page = (int) log.arg(r, 2);
        long e = entry(geo, page);
        long info = w.get(e + INFO);
        if (SpanDescriptor.kind(info) != SLAB) {
            return;
        }
        int cls = SpanDescriptor.cls(info);
        long h = w.lv(hdrOff);
        if (ObjectHeader.gen(h) == ObjectHeader.gen(old)) {
            return;
        }
        // Only the dead freer could move the generation on from the one it logged: its CAS happened.
        int freer = (int) ((r - geo.layout.redo(0)) / PoolLayout.CLIENT_BYTES);
        w.put(geo.layout.client(freer) + PoolLayout.C_FREE_COUNT, log.arg(r, 3));
        boolean marked = ObjectHeader.state(h) == REMOTE_FREE
                && ObjectHeader.gen(h) == ((ObjectHeader.gen(old) + 1) & ObjectHeader.GEN_MASK);
        if (!marked) {
            return;
        }
        if (log.step(r) < 1) {
            int idx = (int) ((hdrOff - geo.layout.pageStart(page)) / SizeClasses.blockSize(cls));
            pushRemote(e, hdrOff, h, idx);
        }
        w.xadd(geo.layout.classEntry(SpanDescriptor.owner(info), cls) + PoolLayout.CL_SIGNAL, 1);
    }

    /**
     * Repairs what clients killed between an atomic step and the store recording it leave behind (see
     * {@link PoolSweep}): pages claimed by no span, slab free chains that lost or doubled blocks, mailbox cells
     * reserved and never published, and the COUNT total. Run it only on a quiescent pool, after RECOVER of
     * every dead client; {@code RECOVER -1} runs it after recovering every client.
     *
     * @return the repairs made, or EINVAL before INIT
     */
    public long sweep() {
        return inside(() -> {
            Geometry geo = current();
            return geo == null ? EINVAL : new PoolSweep(this).run(liveObjects(geo));
        });
    }

    // ------------------------------------------------------------------ PRINT_BITMAP and ownership queries

    /** PRINT_BITMAP to another stream; returns the allocated blocks printed, or EINVAL before INIT. */
    public long printBitmap(PrintStream to) {
        return inside(() -> {
            Geometry geo = current();
            return geo == null ? EINVAL : printBitmap(geo, to);
        });
    }

    private long printBitmap(Geometry geo, PrintStream out) {
        long total = 0;
        out.println("AEP-DSM pool: " + geo.segments + " segments of " + PoolLayout.PAGES_PER_SEGMENT + " x "
                + PoolLayout.PAGE / 1024 + " KiB pages (S slab, R run, s/r their later pages, . free)");
        StringBuilder map = new StringBuilder(PoolLayout.PAGES_PER_SEGMENT);
        for (int s = 0; s < geo.segments; s++) {
            long word = w.lv(geo.layout.segmentWord(s));
            int owner = segmentOwner(word);
            if (owner == 0) {
                continue;
            }
            map.setLength(0);
            long blocks = 0;
            for (int k = 0; k < PoolLayout.PAGES_PER_SEGMENT; k++) {
                int page = s * PoolLayout.PAGES_PER_SEGMENT + k;
                long e = entry(geo, page);
                long info = w.get(e + INFO);
                switch (SpanDescriptor.kind(info)) {
                    case SLAB -> {
                        map.append('S');
                        blocks += liveBlocks(geo, page, info);
                    }
                    case RUN -> {
                        map.append('R');
                        blocks += ObjectHeader.isLive(w.get(e + RUN_HEADER)) ? 1 : 0;
                    }
                    case BODY -> {
                        int head = SpanDescriptor.low(info);
                        boolean run = head >= 0 && head < geo.pages
                                && SpanDescriptor.kind(w.get(entry(geo, head) + INFO)) == RUN;
                        map.append(run ? 'r' : 's');
                    }
                    default -> map.append('.');
                }
            }
            out.printf("segment %5d node %d pages %s allocated blocks %d%n", s, owner - 1, map, blocks);
            total += blocks;
        }
        out.println("allocated blocks: " + total);
        return total;
    }

    int liveBlocks(Geometry geo, int page, long info) {
        int cls = SpanDescriptor.cls(info);
        if (cls >= SizeClasses.count()) {
            return 0;
        }
        int b = SizeClasses.blockSize(cls);
        long base = geo.layout.pageStart(page);
        int bump = Math.min(SpanDescriptor.bump(w.get(entry(geo, page) + ALLOC)), SizeClasses.capacity(cls));
        int n = 0;
        for (int i = 0; i < bump; i++) {
            n += ObjectHeader.isLive(w.get(base + (long) i * b)) ? 1 : 0;
        }
        return n;
    }

    /** What is known of a live object, or empty. */
    public Optional<ObjectInfo> describe(long handle) {
        return inside(() -> describeInside(handle));
    }

    private Optional<ObjectInfo> describeInside(long handle) {
        Geometry geo = current();
        if (geo == null) {
            return Optional.empty();
        }
        long hdrOff = locate(geo, handle);
        if (hdrOff < 0) {
            return Optional.empty();
        }
        return Optional.of(info(geo, handle, hdrOff, w.lv(hdrOff)));
    }

    private ObjectInfo info(Geometry geo, long handle, long hdrOff, long h) {
        long e = descriptorOf(geo, hdrOff);
        long size = hdrOff < geo.dataStart ? w.get(e + RUN_SIZE) : SizeClasses.usable(ObjectHeader.cls(h));
        boolean inFlight = ObjectHeader.state(h) == IN_FLIGHT;
        return new ObjectInfo(new GlobalRef(handle), size, inFlight ? -1 : ObjectHeader.owner(h),
                homeNode(geo, hdrOff), ObjectHeader.refs(h), inFlight);
    }

    /** The live objects a client owns (a walk of the whole pool). */
    public List<ObjectInfo> ownedBy(int client) {
        return inside(() -> ownedByInside(client));
    }

    private List<ObjectInfo> ownedByInside(int client) {
        List<ObjectInfo> result = new ArrayList<>();
        Geometry geo = current();
        if (geo == null || client < 0 || client >= geo.clients) {
            return result;
        }
        for (int page = 0; page < geo.pages; page++) {
            long e = entry(geo, page);
            long info = w.get(e + INFO);
            if (SpanDescriptor.kind(info) == SLAB && SpanDescriptor.cls(info) < SizeClasses.count()) {
                int cls = SpanDescriptor.cls(info);
                int b = SizeClasses.blockSize(cls);
                long base = geo.layout.pageStart(page);
                int bump = Math.min(SpanDescriptor.bump(w.get(e + ALLOC)), SizeClasses.capacity(cls));
                for (int i = 0; i < bump; i++) {
                    long blk = base + (long) i * b;
                    long h = w.lv(blk);
                    if (ObjectHeader.magicOk(h) && ObjectHeader.state(h) == OWNED && ObjectHeader.owner(h) == client) {
                        long handle = ((long) ObjectHeader.gen(h) << GlobalRef.OFFSET_BITS) | (blk + 8);
                        result.add(info(geo, handle, blk, h));
                    }
                }
            } else if (SpanDescriptor.kind(info) == RUN) {
                long h = w.lv(e + RUN_HEADER);
                if (ObjectHeader.state(h) == OWNED && ObjectHeader.owner(h) == client) {
                    long handle = ((long) ObjectHeader.gen(h) << GlobalRef.OFFSET_BITS) | geo.layout.pageStart(page);
                    result.add(info(geo, handle, e + RUN_HEADER, h));
                }
            }
        }
        return result;
    }
}

package org.aepdsm.allocator;

import org.aepdsm.api.ownership.Topology;

/**
 * Where everything lives in the shared pool. All of it is addressed by byte
 * offsets from the pool's start, so any process that maps the pool can use it.
 *
 * <pre>
 *  0            pool header (4 KiB): magic, version, geometry, epoch, init state, counters of client-less ops
 *  nodeArea     per node, 64 B: segment scan hint, statistics
 *  segmentTable per segment, 8 B: owner node + 1 (bits 32..39) | page-claim mask (bits 0..31)
 *  pageMap      per page, 64 B: the span descriptor of the span starting there, or the head of the span
 *               the page belongs to (see {@link Spans})
 *  clientArea   per client, 4 KiB: redo log (1 KiB), call counters, allocation and free counters, segment hint,
 *               class table
 *  rings        per client, then per node: a mailbox ring (128 B of indices + slots x 32 B cells)
 *  dataStart    (64 KiB aligned) segments x 512 KiB of 16 KiB pages: slab spans and page runs
 * </pre>
 * Everything before {@code dataStart} is allocator metadata: the shadow entry puts
 * it into the protection domain. Clients address only the data area.
 *
 * <p>Segments are the node-level unit (a node claims a segment by CAS on its table
 * word); pages are the client-level unit (a client claims a run of pages inside one
 * of its node's segments by CAS on the segment's mask). A segment of 32 pages keeps
 * owner and mask in one word, so both change together atomically.
 *
 * <p>Immutable; thread-safe.
 */
public final class PoolLayout {
    /** log2 of the page size. */
    public static final int PAGE_SHIFT = 14;
    /** Page size: 16 KiB. */
    public static final int PAGE = 1 << PAGE_SHIFT;
    /** Pages per segment (one 32-bit claim mask). */
    public static final int PAGES_PER_SEGMENT = 32;
    /** Segment size: 512 KiB. */
    public static final long SEGMENT = (long) PAGE * PAGES_PER_SEGMENT;
    /** Magic of an AEP-DSM pool header ("AEPDSMP1"). */
    public static final long MAGIC = 0x4145504453_4d5031L;
    /** Layout version: 3 since SEND and RECV records hold the handle and position only. */
    public static final long VERSION = 3;

    /** Header field offsets. */
    static final long H_MAGIC = 0, H_VERSION = 8, H_SIZE = 16, H_NODES = 24, H_CLIENTS_PER_NODE = 32,
            H_MAILBOX_SLOTS = 40, H_SEGMENTS = 48, H_DATA_START = 56, H_EPOCH = 64, H_INIT = 72, H_OPS = 128,
            H_LIVE_ADJUST = 256;
    /** Init states. */
    static final long INIT_NONE = 0, INIT_FORMATTING = 1, INIT_COMPLETE = 2;

    static final int NODE_BYTES = 64;
    static final int PAGE_ENTRY = 64;
    static final int CLIENT_BYTES = 4096;
    /** Client area offsets. */
    static final int C_REDO = 0, C_CALLS = 1024, C_ALLOC_COUNT = 1152, C_FREE_COUNT = 1160, C_SEGMENT_HINT = 1184, C_CLASSES = 1280;
    /** Class table entry: links (head, tail), remote-free signal counter, signals seen. */
    static final int CLASS_ENTRY = 32, CL_LINKS = 0, CL_SIGNAL = 8, CL_SEEN = 16;
    /** Ring offsets. */
    static final int R_TAIL = 0, R_HEAD = 64, R_CELLS = 128, CELL = 32;
    static final int REDO_BYTES = 1024;

    private final long poolSize;
    private final Topology topology;
    private final int mailboxSlots;
    private final long nodeArea;
    private final long segmentTable;
    private final long pageMap;
    private final long clientArea;
    private final long rings;
    private final long ringBytes;
    private final long dataStart;
    private final int segments;

    /**
     * Computes the layout of a pool.
     *
     * @throws IllegalArgumentException if the pool cannot hold the metadata and two segments, or the
     *                                  mailbox size is not a power of two between 2 and 65536
     */
    public PoolLayout(long poolSize, Topology topology, int mailboxSlots) {
        if (Integer.bitCount(mailboxSlots) != 1 || mailboxSlots < 2 || mailboxSlots > 65536) {
            throw new IllegalArgumentException("mailbox slots " + mailboxSlots + " is not a power of two in 2..65536");
        }
        if (topology.clients() > 4095) {
            throw new IllegalArgumentException("clients " + topology.clients() + " exceed the limit 4095");
        }
        this.poolSize = poolSize;
        this.topology = topology;
        this.mailboxSlots = mailboxSlots;
        int clients = topology.clients();
        this.nodeArea = 4096;
        this.ringBytes = R_CELLS + (long) mailboxSlots * CELL;
        long fixed = nodeArea + (long) topology.nodes() * NODE_BYTES + (long) clients * CLIENT_BYTES
                + (clients + topology.nodes()) * ringBytes + 2 * 65536;
        long perSegment = SEGMENT + 8 + (long) PAGES_PER_SEGMENT * PAGE_ENTRY;
        long s = (poolSize - fixed) / perSegment;
        long st = 0, pm = 0, ca = 0, rg = 0, ds = 0;
        for (; s >= 2; s--) {
            st = align(nodeArea + (long) topology.nodes() * NODE_BYTES, 64);
            pm = align(st + s * 8, 64);
            ca = align(pm + s * PAGES_PER_SEGMENT * PAGE_ENTRY, 4096);
            rg = ca + (long) clients * CLIENT_BYTES;
            ds = align(rg + (clients + topology.nodes()) * ringBytes, 65536);
            if (ds + s * SEGMENT <= poolSize) {
                break;
            }
        }
        if (s < 2 || s > Integer.MAX_VALUE / PAGES_PER_SEGMENT) {
            throw new IllegalArgumentException("pool of " + poolSize + " bytes cannot hold the metadata of "
                    + clients + " clients and two segments of " + SEGMENT + " bytes");
        }
        this.segmentTable = st;
        this.pageMap = pm;
        this.clientArea = ca;
        this.rings = rg;
        this.dataStart = ds;
        this.segments = (int) s;
    }

    private static long align(long v, long a) {
        return (v + a - 1) & -a;
    }

    public long poolSize() {
        return poolSize;
    }

    public Topology topology() {
        return topology;
    }

    public int clients() {
        return topology.clients();
    }

    public int nodes() {
        return topology.nodes();
    }

    public int mailboxSlots() {
        return mailboxSlots;
    }

    public int segments() {
        return segments;
    }

    public int pages() {
        return segments * PAGES_PER_SEGMENT;
    }

    /** First byte of the data area; everything before it is metadata. */
    public long dataStart() {
        return dataStart;
    }

    /** End of the data area. */
    public long dataEnd() {
        return dataStart + (long) segments * SEGMENT;
    }

    /** Bytes of metadata (everything before the data area). */
    public long metadataBytes() {
        return dataStart;
    }

    long node(int node) {
        return nodeArea + (long) node * NODE_BYTES;
    }

    long segmentWord(int segment) {
        return segmentTable + (long) segment * 8;
    }

    long pageEntry(long page) {
        return pageMap + page * PAGE_ENTRY;
    }

    long client(int client) {
        return clientArea + (long) client * CLIENT_BYTES;
    }

    long redo(int client) {
        return client(client) + C_REDO;
    }

    long classEntry(int client, int cls) {
        return client(client) + C_CLASSES + (long) cls * CLASS_ENTRY;
    }

    /** The mailbox ring of a client (same-node messages). */
    long clientRing(int client) {
        return rings + (long) client * ringBytes;
    }

    /** The mailbox ring of a node (messages from other nodes to its clients). */
    long nodeRing(int node) {
        return rings + (long) (clients() + node) * ringBytes;
    }

    long ringBytes() {
        return ringBytes;
    }

    /** Offset of the first byte of a page. */
    public long pageStart(long page) {
        return dataStart + (page << PAGE_SHIFT);
    }

    /** The page holding a data offset (caller checked it lies in the data area). */
    long pageOf(long offset) {
        return (offset - dataStart) >>> PAGE_SHIFT;
    }
}

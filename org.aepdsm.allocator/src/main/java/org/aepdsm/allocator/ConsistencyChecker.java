package org.aepdsm.allocator;

import static org.aepdsm.allocator.SpanDescriptor.ALLOC;
import static org.aepdsm.allocator.SpanDescriptor.BODY;
import static org.aepdsm.allocator.SpanDescriptor.INFO;
import static org.aepdsm.allocator.SpanDescriptor.LINKS;
import static org.aepdsm.allocator.SpanDescriptor.NIL_PAGE;
import static org.aepdsm.allocator.SpanDescriptor.REMOTE;
import static org.aepdsm.allocator.SpanDescriptor.RUN;
import static org.aepdsm.allocator.SpanDescriptor.RUN_HEADER;
import static org.aepdsm.allocator.SpanDescriptor.SLAB;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.aepdsm.allocator.FsckReport.Kind;
import org.aepdsm.allocator.FsckReport.Problem;
import org.aepdsm.allocator.internal.PoolWords;
import org.aepdsm.api.ownership.GlobalRef;

/**
 * fsck for the pool: walks every structure and cross-checks them.
 *
 * <ol>
 * <li>redo logs are empty;</li>
 * <li>each segment's page mask matches the page map (a claimed page belongs to a span and back);</li>
 * <li>each span: its later pages point at it; a slab's local free list and remote stack are chains of free
 * blocks below {@code bump}, disjoint, without cycles; every block below {@code bump} has a sound header and
 * is either live or on exactly one chain; {@code used = bump - local free};</li>
 * <li>each client's class lists are well linked and hold exactly that client's spans of that class;</li>
 * <li>each mailbox cell between head and tail holding a message names a live object IN_FLIGHT to the
 * cell's destination, no object is in two cells, and every IN_FLIGHT object is in a cell;</li>
 * <li>the COUNT counters equal the objects found.</li>
 * </ol>
 * Objects owned by a client that never comes back are not leaks: RECOVER reclaims them.
 *
 * <p>Run it on a quiescent pool: a walk racing clients reports their half-done work. Not thread-safe
 * with respect to concurrent calls; holds no state between checks.
 */
public final class ConsistencyChecker {
    private final AepAllocator allocator;

    /** @param allocator the allocator whose pool is checked */
    public ConsistencyChecker(AepAllocator allocator) {
        this.allocator = Objects.requireNonNull(allocator, "allocator");
    }

    /** Walks the pool. */
    public FsckReport check() {
        return allocator.inside(this::walk);
    }

    private FsckReport walk() {
        List<Problem> problems = new ArrayList<>();
        if (!allocator.ready()) {
            problems.add(new Problem(Kind.POOL_HEADER, 0, "pool is not initialized"));
            return new FsckReport(0, 0, 0, problems);
        }
        return new Walk(allocator, problems).run();
    }

    private static final class Walk {
        final AepAllocator a;
        final PoolWords w;
        final PoolLayout l;
        final Mailbox box;
        final List<Problem> problems;
        final BitSet listed;
        final Map<Long, Integer> inFlight = new HashMap<>();
        long live;
        long spans;

        Walk(AepAllocator a, List<Problem> problems) {
            this.a = a;
            this.w = a.words();
            this.l = a.layout();
            this.box = a.mailbox();
            this.problems = problems;
            this.listed = new BitSet(l.pages());
        }

        void add(Kind kind, long offset, String message) {
            if (problems.size() < 1000) {
                problems.add(new Problem(kind, offset, message));
            }
        }

        FsckReport run() {
            for (int c = 0; c < l.clients(); c++) {
                long word = w.lv(l.redo(c));
                if (word != 0) {
                    add(Kind.PENDING_REDO, l.redo(c), "client " + c + " left a redo record of op "
                            + RedoLog.op(word) + " (state " + RedoLog.state(word) + "); RECOVER " + c
                            + " completes it");
                }
            }
            segments();
            for (int c = 0; c < l.clients(); c++) {
                for (int k = 0; k < SizeClasses.count(); k++) {
                    classList(c, k);
                }
            }
            for (int page = 0; page < l.pages(); page++) {
                long info = w.get(l.pageEntry(page) + INFO);
                switch (SpanDescriptor.kind(info)) {
                    case SLAB -> slab(page, info);
                    case RUN -> run(page, info);
                    default -> {
                    }
                }
            }
            long found = inFlight.size();
            for (int c = 0; c < l.clients(); c++) {
                ring(l.clientRing(c), "client " + c, c, -1);
            }
            for (int n = 0; n < l.nodes(); n++) {
                ring(l.nodeRing(n), "node " + n, -1, n);
            }
            for (Map.Entry<Long, Integer> e : inFlight.entrySet()) {
                if (e.getValue() >= 0) {
                    add(Kind.LEAKED_OBJECT, GlobalRef.offsetOf(e.getKey()), "object " + GlobalRef.hex(e.getKey())
                            + " is in flight to client " + e.getValue() + " but in no mailbox");
                }
            }
            long counted = a.count();
            if (counted != live) {
                add(Kind.COUNTERS, 0, "COUNT says " + counted + " live objects, the pool holds " + live);
            }
            return new FsckReport(live, found, spans, problems);
        }

        void segments() {
            for (int s = 0; s < l.segments(); s++) {
                long word = w.lv(l.segmentWord(s));
                int owner = AepAllocator.segmentOwner(word);
                if (owner > l.nodes() || (word >>> 40) != 0) {
                    add(Kind.PAGE_MAP, l.segmentWord(s), "segment " + s + " has a bad owner word 0x"
                            + Long.toHexString(word));
                }
                if (owner == 0 && (word & 0xFFFFFFFFL) != 0) {
                    add(Kind.PAGE_MAP, l.segmentWord(s), "segment " + s + " is free but has claimed pages");
                }
                for (int k = 0; k < PoolLayout.PAGES_PER_SEGMENT; k++) {
                    int page = s * PoolLayout.PAGES_PER_SEGMENT + k;
                    boolean claimed = (word & (1L << k)) != 0;
                    boolean held = SpanDescriptor.kind(w.get(l.pageEntry(page) + INFO)) != SpanDescriptor.FREE;
                    if (claimed != held) {
                        add(Kind.PAGE_MAP, l.pageEntry(page), "page " + page + (claimed
                                ? " is claimed in segment " + s + " but belongs to no span (leaked page)"
                                : " belongs to a span but is not claimed in segment " + s));
                    }
                }
            }
        }

        void classList(int c, int cls) {
            long ce = l.classEntry(c, cls) + PoolLayout.CL_LINKS;
            long links = w.get(ce);
            int head = SpanDescriptor.prev(links);
            int tail = SpanDescriptor.next(links);
            int prev = NIL_PAGE;
            int s = head;
            int n = 0;
            while (s != NIL_PAGE) {
                if (s < 0 || s >= l.pages() || n++ > l.pages()) {
                    add(Kind.SPAN_LIST, ce, "client " + c + " class " + cls + " list runs off to page " + s);
                    return;
                }
                long e = l.pageEntry(s);
                long info = w.get(e + INFO);
                if (SpanDescriptor.kind(info) != SLAB || SpanDescriptor.cls(info) != cls
                        || SpanDescriptor.owner(info) != c) {
                    add(Kind.SPAN_LIST, e, "client " + c + " class " + cls + " lists page " + s
                            + " which is not its slab span of that class");
                    return;
                }
                if (listed.get(s)) {
                    add(Kind.SPAN_LIST, e, "span at page " + s + " is listed twice");
                    return;
                }
                listed.set(s);
                long sl = w.get(e + LINKS);
                if (SpanDescriptor.prev(sl) != prev) {
                    add(Kind.SPAN_LIST, e, "span at page " + s + " links back to " + SpanDescriptor.prev(sl)
                            + ", expected " + prev);
                }
                prev = s;
                s = SpanDescriptor.next(sl);
            }
            if (prev != tail) {
                add(Kind.SPAN_LIST, ce, "client " + c + " class " + cls + " list ends at " + prev + ", tail says "
                        + tail);
            }
        }

        boolean bodies(int page, long pages) {
            if (pages < 1 || page + pages > l.pages()) {
                add(Kind.PAGE_MAP, l.pageEntry(page), "span at page " + page + " claims " + pages + " pages");
                return false;
            }
            for (long k = 1; k < pages; k++) {
                long info = w.get(l.pageEntry(page + k) + INFO);
                if (SpanDescriptor.kind(info) != BODY || SpanDescriptor.low(info) != page) {
                    add(Kind.PAGE_MAP, l.pageEntry(page + k), "page " + (page + k) + " of the span at page " + page
                            + " does not point to it");
                }
            }
            return true;
        }

        void slab(int page, long info) {
            spans++;
            long e = l.pageEntry(page);
            int cls = SpanDescriptor.cls(info);
            int owner = SpanDescriptor.owner(info);
            if (cls >= SizeClasses.count() || owner >= l.clients()) {
                add(Kind.PAGE_MAP, e, "span at page " + page + " has class " + cls + " and owner " + owner);
                return;
            }
            if (SpanDescriptor.low(info) != SizeClasses.spanPages(cls)) {
                add(Kind.PAGE_MAP, e, "span at page " + page + " of class " + cls + " has "
                        + SpanDescriptor.low(info) + " pages, expected " + SizeClasses.spanPages(cls));
                return;
            }
            bodies(page, SizeClasses.spanPages(cls));
            if (!listed.get(page)) {
                add(Kind.SPAN_LIST, e, "span at page " + page + " of client " + owner + " is on no list");
            }
            long alloc = w.get(e + ALLOC);
            int bump = SpanDescriptor.bump(alloc);
            int cap = SizeClasses.capacity(cls);
            if (bump > cap) {
                add(Kind.SPAN_ACCOUNTING, e, "span at page " + page + " bumped to " + bump + " of " + cap);
                return;
            }
            int b = SizeClasses.blockSize(cls);
            long base = l.pageStart(page);
            BitSet free = new BitSet(bump);
            int localFree = chain(page, base, b, cls, bump, SpanDescriptor.freeHead(alloc), free, "local free list",
                    false);
            chain(page, base, b, cls, bump, (int) w.get(e + REMOTE), free, "remote stack", true);
            for (int i = 0; i < bump; i++) {
                long blk = base + (long) i * b;
                long h = w.get(blk);
                if (!ObjectHeader.magicOk(h) || ObjectHeader.cls(h) != cls) {
                    add(Kind.CORRUPT_HEADER, blk, "block " + i + " of span at page " + page + " has header 0x"
                            + Long.toHexString(h));
                    continue;
                }
                if (ObjectHeader.isLive(h)) {
                    if (free.get(i)) {
                        add(Kind.FREE_AND_ALLOCATED, blk, "block " + i + " of span at page " + page
                                + " is on a free chain but allocated");
                    }
                    object(((long) ObjectHeader.gen(h) << GlobalRef.OFFSET_BITS) | (blk + 8), blk, h);
                } else if (!free.get(i)) {
                    add(Kind.LEAKED_BLOCK, blk, "free block " + i + " of span at page " + page + " is on no chain");
                }
            }
            if (SpanDescriptor.used(alloc) != bump - localFree) {
                add(Kind.SPAN_ACCOUNTING, e, "span at page " + page + " says " + SpanDescriptor.used(alloc)
                        + " used, bump " + bump + " minus " + localFree + " locally free gives " + (bump - localFree));
            }
        }

        int chain(int page, long base, int b, int cls, int bump, int first, BitSet free, String what,
                boolean remote) {
            int n = 0;
            int x = first;
            while (x != ObjectHeader.NIL) {
                if (x < 0 || x >= bump) {
                    add(Kind.SPAN_ACCOUNTING, base, what + " of span at page " + page + " reaches block " + x
                            + " beyond bump " + bump);
                    return n;
                }
                if (free.get(x)) {
                    add(Kind.FREE_AND_ALLOCATED, base + (long) x * b, what + " of span at page " + page
                            + " reaches block " + x + " twice");
                    return n;
                }
                long h = w.get(base + (long) x * b);
                int st = ObjectHeader.state(h);
                if (!ObjectHeader.magicOk(h) || ObjectHeader.cls(h) != cls) {
                    return n;
                }
                if (remote ? st != ObjectHeader.REMOTE_FREE : st != ObjectHeader.FREE && st != ObjectHeader.REMOTE_FREE) {
                    add(Kind.FREE_AND_ALLOCATED, base + (long) x * b, what + " of span at page " + page
                            + " holds block " + x + " in state " + st);
                    return n;
                }
                free.set(x);
                n++;
                x = ObjectHeader.next(h);
            }
            return n;
        }

        void run(int page, long info) {
            spans++;
            long e = l.pageEntry(page);
            if (SpanDescriptor.owner(info) >= l.clients()) {
                add(Kind.PAGE_MAP, e, "run at page " + page + " has owner " + SpanDescriptor.owner(info));
            }
            bodies(page, SpanDescriptor.low(info) & 0xFFFFFFFFL);
            long h = w.get(e + RUN_HEADER);
            if (!ObjectHeader.magicOk(h) || ObjectHeader.cls(h) != SizeClasses.RUN_CLASS || !ObjectHeader.isLive(h)) {
                add(Kind.CORRUPT_HEADER, e + RUN_HEADER, "run at page " + page + " has header 0x"
                        + Long.toHexString(h));
                return;
            }
            object(((long) ObjectHeader.gen(h) << GlobalRef.OFFSET_BITS) | l.pageStart(page), e + RUN_HEADER, h);
        }

        void object(long handle, long hdrOff, long h) {
            live++;
            int owner = ObjectHeader.owner(h);
            if (owner >= l.clients()) {
                add(Kind.LEAKED_OBJECT, hdrOff, "object " + GlobalRef.hex(handle) + " has no owner (client "
                        + owner + ")");
            }
            if (ObjectHeader.state(h) == ObjectHeader.IN_FLIGHT) {
                inFlight.put(handle, owner);
            }
        }

        void ring(long ring, String name, int client, int node) {
            long head = w.lv(ring + PoolLayout.R_HEAD);
            long tail = w.lv(ring + PoolLayout.R_TAIL);
            if (head > tail || tail - head > box.slots() || head < 0) {
                add(Kind.MAILBOX, ring, "mailbox of " + name + " has head " + head + " and tail " + tail);
                return;
            }
            int perNode = l.topology().clientsPerNode();
            for (long p = head; p < tail; p++) {
                long seq = box.seqAt(ring, p);
                if (seq == -(p + 1)) {
                    continue;
                }
                if (seq != p + 1) {
                    add(Kind.MAILBOX, box.cell(ring, p), "mailbox of " + name + " position " + p + " has seq " + seq
                            + " (reserved and never published)");
                    continue;
                }
                long handle = box.handleAt(ring, p);
                long meta = box.metaAt(ring, p);
                int dst = Mailbox.destination(meta);
                int src = Mailbox.sender(meta);
                boolean placed = client >= 0 ? dst == client && src / perNode == client / perNode
                        : dst / perNode == node && src / perNode != node;
                if (!placed || dst >= l.clients() || src >= l.clients()) {
                    add(Kind.MAILBOX, box.cell(ring, p), "mailbox of " + name + " holds a message from " + src
                            + " to " + dst);
                }
                Integer expected = inFlight.get(handle);
                if (expected == null) {
                    add(Kind.DOUBLY_OWNED, box.cell(ring, p), "mailbox of " + name + " holds "
                            + GlobalRef.hex(handle) + " which is not an object in flight");
                } else if (expected < 0) {
                    add(Kind.DOUBLY_OWNED, box.cell(ring, p), "object " + GlobalRef.hex(handle)
                            + " waits in two mailbox cells");
                } else if (expected != dst) {
                    add(Kind.MAILBOX, box.cell(ring, p), "object " + GlobalRef.hex(handle) + " is in flight to "
                            + expected + " but addressed to " + dst);
                    inFlight.put(handle, -1);
                } else {
                    inFlight.put(handle, -1);
                }
            }
        }
    }
}

package org.aepdsm.allocator;

import static org.aepdsm.allocator.SpanDescriptor.ALLOC;
import static org.aepdsm.allocator.SpanDescriptor.INFO;
import static org.aepdsm.allocator.SpanDescriptor.REMOTE;
import static org.aepdsm.allocator.SpanDescriptor.RUN;
import static org.aepdsm.allocator.SpanDescriptor.RUN_HEADER;
import static org.aepdsm.allocator.SpanDescriptor.SLAB;

import java.util.BitSet;

import org.aepdsm.allocator.internal.PoolWords;

/*
 * What a real process death can leave that no redo record describes: the process was killed between an atomic
 * step on shared memory and the store that records it. Each residue has one shape, and on a quiescent pool each
 * is recognisable without knowing who left it:
 *
 *   claimed page, no span    claimPages/claimSegments CAS, then death before the carve record commits:
 *                            the segment mask holds bits no page entry explains -> clear the bits
 *   slab chains wrong        collect's exchange of the remote stack, then death before the chain is logged
 *                            (free blocks on no chain); a remote free pushed, then death before its step
 *                            marker, replayed (a block on a chain twice) -> rebuild the local free list from
 *                            the block headers, empty the remote stack
 *   cell reserved forever    a SEND's reservation CAS, then death before the position is logged -> mark the
 *                            cell taken, so head moves past it
 *   COUNT off                any of the above -> re-base the pool-wide adjustment on the objects found
 *
 * While any client runs, each shape is also a legitimate half-done operation of a live client, so the sweep
 * must only run when no client is running (RECOVER of every client, or an operator on a stopped pool).
 */
/**
 * Repairs the residue of clients killed in the window between an atomic step and its redo record.
 *
 * <p>Thread-safety: none; the pool must be quiescent (no client running) for the whole sweep.
 */
final class PoolSweep {
    private final PoolWords w;
    private final PoolLayout l;
    private final Mailbox box;
    private long live;
    private long repairs;

    PoolSweep(AepAllocator allocator) {
        this.w = allocator.words();
        this.l = allocator.layout();
        this.box = allocator.mailbox();
    }

    /** Sweeps the pool; returns the repairs made (pages released, spans rebuilt, cells dropped, counters). */
    long run(long counted) {
        pages();
        for (int page = 0; page < l.pages(); page++) {
            long info = w.get(l.pageEntry(page) + INFO);
            if (SpanDescriptor.kind(info) == SLAB && SpanDescriptor.cls(info) < SizeClasses.count()) {
                slab(page, info);
            } else if (SpanDescriptor.kind(info) == RUN && ObjectHeader.isLive(w.get(l.pageEntry(page) + RUN_HEADER))) {
                live++;
            }
        }
        for (int c = 0; c < l.clients(); c++) {
            ring(l.clientRing(c));
        }
        for (int n = 0; n < l.nodes(); n++) {
            ring(l.nodeRing(n));
        }
        if (counted != live) {
            w.put(PoolLayout.H_LIVE_ADJUST, w.get(PoolLayout.H_LIVE_ADJUST) + live - counted);
            repairs++;
        }
        return repairs;
    }

    private void pages() {
        for (int s = 0; s < l.segments(); s++) {
            long off = l.segmentWord(s);
            long word = w.lv(off);
            long orphans = 0;
            for (int k = 0; k < PoolLayout.PAGES_PER_SEGMENT; k++) {
                int page = s * PoolLayout.PAGES_PER_SEGMENT + k;
                if ((word & (1L << k)) != 0
                        && SpanDescriptor.kind(w.get(l.pageEntry(page) + INFO)) == SpanDescriptor.FREE) {
                    orphans |= 1L << k;
                }
            }
            if (orphans != 0) {
                w.put(off, word & ~orphans);
                repairs += Long.bitCount(orphans);
            }
        }
    }

    private void slab(int page, long info) {
        int cls = SpanDescriptor.cls(info);
        long e = l.pageEntry(page);
        long alloc = w.get(e + ALLOC);
        int bump = Math.min(SpanDescriptor.bump(alloc), SizeClasses.capacity(cls));
        int b = SizeClasses.blockSize(cls);
        long base = l.pageStart(page);
        BitSet chained = new BitSet(bump);
        int local = chain(base, b, cls, bump, SpanDescriptor.freeHead(alloc), chained, false);
        int remote = chain(base, b, cls, bump, (int) w.get(e + REMOTE), chained, true);
        boolean sound = local >= 0 && remote >= 0 && SpanDescriptor.bump(alloc) <= SizeClasses.capacity(cls)
                && SpanDescriptor.used(alloc) == bump - local;
        int liveHere = 0;
        for (int i = 0; i < bump; i++) {
            long h = w.get(base + (long) i * b);
            boolean isLive = ObjectHeader.isLive(h);
            liveHere += isLive ? 1 : 0;
            if (ObjectHeader.magicOk(h) && ObjectHeader.cls(h) == cls && isLive == chained.get(i)) {
                sound = false;
            }
        }
        live += liveHere;
        if (sound) {
            return;
        }
        int next = ObjectHeader.NIL;
        for (int i = bump - 1; i >= 0; i--) {
            long blk = base + (long) i * b;
            long h = w.get(blk);
            if (ObjectHeader.magicOk(h) && ObjectHeader.cls(h) == cls && !ObjectHeader.isLive(h)) {
                w.put(blk, ObjectHeader.free(ObjectHeader.gen(h), cls, ObjectHeader.FREE, next));
                next = i;
            }
        }
        w.put(e + REMOTE, ObjectHeader.NIL);
        w.put(e + ALLOC, SpanDescriptor.alloc(liveHere, bump, next));
        repairs++;
    }

    /** Blocks on a chain, marking them; -1 if the chain is not a clean chain of free blocks. */
    private int chain(long base, int b, int cls, int bump, int first, BitSet chained, boolean remote) {
        int n = 0;
        for (int x = first; x != ObjectHeader.NIL; n++) {
            if (x < 0 || x >= bump || chained.get(x)) {
                return -1;
            }
            long h = w.get(base + (long) x * b);
            int st = ObjectHeader.state(h);
            if (!ObjectHeader.magicOk(h) || ObjectHeader.cls(h) != cls || ObjectHeader.isLive(h)
                    || (remote && st != ObjectHeader.REMOTE_FREE)) {
                return -1;
            }
            chained.set(x);
            x = ObjectHeader.next(h);
        }
        return n;
    }

    private void ring(long ring) {
        long head = w.lv(ring + PoolLayout.R_HEAD);
        long tail = w.lv(ring + PoolLayout.R_TAIL);
        if (head < 0 || head > tail || tail - head > box.slots()) {
            return;
        }
        boolean dropped = false;
        for (long p = head; p < tail; p++) {
            if (box.reservedUnpublished(ring, p) && w.cas(box.cell(ring, p), p, -(p + 1))) {
                dropped = true;
                repairs++;
            }
        }
        if (dropped) {
            box.advance(ring);
        }
    }
}

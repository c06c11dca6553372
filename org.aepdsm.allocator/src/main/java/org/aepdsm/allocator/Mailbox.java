package org.aepdsm.allocator;

import org.aepdsm.allocator.internal.PoolWords;

/**
 * Bounded multi-producer rings of messages in the pool: one per client for
 * messages from its own node, one per node for messages from other nodes (AEP's
 * two transfer paths). A message is a handle plus its sender and destination.
 *
 * <pre>
 *  ring +0    tail: next position to reserve (producers CAS it)
 *       +64   head: oldest position not yet consumed and recycled
 *       +128  cells[slots], 32 B each: seq | handle | sender(16) @16 | destination(16) @0 | header offset
 * </pre>
 * Each cell's {@code seq} says what the cell holds for position {@code p} (slot
 * {@code p mod slots}): {@code p} free for the producer of {@code p}; {@code p+1}
 * published; {@code -(p+1)} taken by its consumer. A producer reserves
 * {@code p} by CAS on tail only when the cell reads {@code p}, writes the payload and
 * publishes with a release store; seeing anything older means the ring is full.
 * A consumer scans from head for the oldest published cell addressed to it (and from
 * the wanted sender), claims it by CAS from {@code p+1} to {@code -(p+1)}, then moves
 * head over taken cells, recycling each to {@code p+slots}. Positions are 64-bit and
 * never wrap, so a message can be neither lost nor seen twice when the slots wrap.
 * A consumer may take a later message before an earlier one (selective receive); the
 * earlier cell then holds head, and the ring reports full once the producers come
 * round to it.
 *
 * <p>A client's own ring has one consumer, the client; it claims and moves head
 * with release stores ({@link #claimOwn}, {@link #advanceOwn}) instead of CASes.
 * A node's ring has many consumers and uses the CASes.
 *
 * <p>Thread-safety: lock-free; any number of producers; any number of consumers on
 * a node's ring, one at a time on a client's ring.
 */
public final class Mailbox {
    private static final int SEQ = 0, HANDLE = 8, META = 16, HEADER = 24;

    private final PoolWords w;
    private final int slots;
    private final long mask;

    Mailbox(PoolWords w, int slots) {
        this.w = w;
        this.slots = slots;
        this.mask = slots - 1;
    }

    long cell(long ring, long pos) {
        return ring + PoolLayout.R_CELLS + (pos & mask) * PoolLayout.CELL;
    }

    static long meta(int sender, int destination) {
        return ((long) sender << 16) | destination;
    }

    static int sender(long meta) {
        return (int) (meta >>> 16) & 0xFFFF;
    }

    static int destination(long meta) {
        return (int) meta & 0xFFFF;
    }

    /** Reserves the next position, or returns -1 when the ring is full. */
    long reserve(long ring) {
        while (true) {
            long t = w.lv(ring + PoolLayout.R_TAIL);
            long s = w.lv(cell(ring, t) + SEQ);
            if (s == t) {
                if (w.cas(ring + PoolLayout.R_TAIL, t, t + 1)) {
                    return t;
                }
            } else if (s < t) {
                return -1;
            }
        }
    }

    /**
     * Writes the message of a reserved position and makes it visible. The object's header offset, which the
     * sender found when it validated the handle, travels along so the receiver need not find it again.
     */
    void publish(long ring, long pos, long handle, long meta, long header) {
        long c = cell(ring, pos);
        w.put(c + HANDLE, handle);
        w.put(c + META, meta);
        w.put(c + HEADER, header);
        w.so(c + SEQ, pos + 1);
    }

    /** Whether the position is reserved and not yet published. */
    boolean reservedUnpublished(long ring, long pos) {
        return w.lv(cell(ring, pos) + SEQ) == pos;
    }

    /** Whether the position holds a published message nobody took. */
    boolean published(long ring, long pos) {
        return w.lv(cell(ring, pos) + SEQ) == pos + 1;
    }

    /**
     * The oldest published position addressed to {@code destination} (from {@code sender}, unless it is -1),
     * or -1.
     */
    long find(long ring, int destination, int sender) {
        long h = w.lv(ring + PoolLayout.R_HEAD);
        long t = w.lv(ring + PoolLayout.R_TAIL);
        for (long p = h; p < t; p++) {
            long c = cell(ring, p);
            if (w.la(c + SEQ) == p + 1) {
                long m = w.get(c + META);
                if (destination(m) == destination && (sender < 0 || sender(m) == sender)) {
                    return p;
                }
            }
        }
        return -1;
    }

    long handleAt(long ring, long pos) {
        return w.get(cell(ring, pos) + HANDLE);
    }

    /** The header offset the sender stored with the message. */
    long headerAt(long ring, long pos) {
        return w.get(cell(ring, pos) + HEADER);
    }

    long metaAt(long ring, long pos) {
        return w.get(cell(ring, pos) + META);
    }

    long seqAt(long ring, long pos) {
        return w.lv(cell(ring, pos) + SEQ);
    }

    /** Claims a published position for its consumer. */
    boolean claim(long ring, long pos) {
        return w.cas(cell(ring, pos) + SEQ, pos + 1, -(pos + 1));
    }

    /**
     * Claims a published position of a ring with one consumer (a client's own ring: only that client takes from
     * it, one thread at a time): no other consumer can race for the cell and producers never write a published
     * cell, so a release store does what {@link #claim} does with a CAS.
     */
    void claimOwn(long ring, long pos) {
        w.so(cell(ring, pos) + SEQ, -(pos + 1));
    }

    /**
     * Takes a published position of a ring with one consumer, as {@link #claimOwn} then {@link #advanceOwn} do:
     * the oldest position is recycled at once and head moves past it (and past any later cells taken out of
     * order) without first marking it taken; a later position is marked taken and waits for head.
     */
    void takeOwn(long ring, long pos) {
        long h = w.get(ring + PoolLayout.R_HEAD);
        if (h != pos) {
            claimOwn(ring, pos);
            return;
        }
        w.so(cell(ring, pos) + SEQ, pos + slots);
        w.so(ring + PoolLayout.R_HEAD, pos + 1);
        if (w.lv(ring + PoolLayout.R_TAIL) != pos + 1) {
            advanceOwn(ring);
        }
    }

    /**
     * {@link #advance} for a ring with one consumer: head and the taken cells are written by that consumer only,
     * so release stores replace the CASes. Each cell is recycled before head passes it, as in {@link #advance}.
     */
    void advanceOwn(long ring) {
        long t = w.lv(ring + PoolLayout.R_TAIL);
        long h = w.get(ring + PoolLayout.R_HEAD);
        while (h != t) {
            long c = cell(ring, h);
            long s = w.lv(c + SEQ);
            if (s == -(h + 1)) {
                w.so(c + SEQ, h + slots);
            } else if (s < h + slots && s > -(h + slots + 1)) {
                return;
            }
            h++;
            w.so(ring + PoolLayout.R_HEAD, h);
        }
    }

    /** Moves head over taken cells, recycling them; safe to repeat and to run concurrently. */
    void advance(long ring) {
        while (true) {
            long h = w.lv(ring + PoolLayout.R_HEAD);
            if (h == w.lv(ring + PoolLayout.R_TAIL)) {
                return;
            }
            long c = cell(ring, h);
            long s = w.lv(c + SEQ);
            if (s == -(h + 1)) {
                w.cas(c + SEQ, s, h + slots);
                w.cas(ring + PoolLayout.R_HEAD, h, h + 1);
            } else if (s >= h + slots || s <= -(h + slots + 1)) {
                w.cas(ring + PoolLayout.R_HEAD, h, h + 1);
            } else {
                return;
            }
        }
    }

    /** Messages between head and tail (taken ones included until head passes them). */
    long depth(long ring) {
        return w.lv(ring + PoolLayout.R_TAIL) - w.lv(ring + PoolLayout.R_HEAD);
    }

    int slots() {
        return slots;
    }

    /** Resets an empty ring: cell {@code i} free for position {@code i}. */
    void format(long ring) {
        w.put(ring + PoolLayout.R_TAIL, 0);
        w.put(ring + PoolLayout.R_HEAD, 0);
        for (long p = 0; p < slots; p++) {
            long c = cell(ring, p);
            w.put(c + SEQ, p);
            w.put(c + HANDLE, 0);
            w.put(c + META, 0);
            w.put(c + HEADER, 0);
        }
    }
}

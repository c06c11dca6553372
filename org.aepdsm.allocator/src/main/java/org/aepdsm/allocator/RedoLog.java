package org.aepdsm.allocator;

import org.aepdsm.allocator.internal.PoolWords;

/**
 * The per-client redo log in the pool: one record of at most 56 word writes.
 *
 * <pre>
 *  word 0     op(8) @56 | state(4) @52 | detail(52) @0    state: 0 empty, 1 INTENT, 2 COMMITTED
 *  word 1     step marker (progress of the steps that follow the commit)
 *  word 2     number of (offset, value) pairs
 *  word 3-9   op-specific arguments
 *  word 16-127 pairs: offset, value
 * </pre>
 * A multi-step operation collects the writes it will make as pairs (reading its own
 * pending writes back through {@link #read}), then commits the record with one
 * release store, applies the pairs, and clears the record. A record found committed
 * by RECOVER is applied again: every pair is an absolute value, so applying twice
 * is the same as once. Steps that are atomic operations on memory other clients
 * share (a CAS on a count, a mailbox cell, a remote stack) cannot be written as
 * pairs; they are recorded as op arguments before (INTENT) and a step marker after,
 * and RECOVER completes or undoes them from what it finds in the pool.
 *
 * <p>Local records: MALLOC and FREE of a block in a span the caller carved write
 * two words only the caller writes (the span's alloc word and the block header),
 * and on this hot path the whole record is its header word: the detail bits hold
 * the block's header offset (8-aligned, so its low three bits are free), bit 0
 * telling for MALLOC whether the block came from the bump pointer, and bit 1 the
 * parity of the client's allocation or free count after the op. One store commits
 * the record and one clears it. The two stores are ordered so that
 * RECOVER can tell which of them happened and redo the rest: MALLOC writes the
 * alloc word before the header (until the header is written it still holds the
 * link to the next free block), FREE writes the header before the alloc word (the
 * header then links to the free head the alloc word still shows). The count moves
 * by one per op, so its parity tells whether the client stored it: completing a
 * record twice counts once.
 *
 * <p>Transfer records: SEND and RECV keep the handle and the mailbox position in
 * arguments 0 and 1 and commit with one store whose detail bits name the
 * destination (SEND) or the ring (RECV); everything else RECOVER needs follows
 * from the client, the handle and the pool.
 *
 * <p>Thread-safety: a record belongs to its client; only that client, or RECOVER
 * acting for it while it is dead, touches it.
 */
public final class RedoLog {
    /** Record states. */
    public static final int EMPTY = 0, INTENT = 1, COMMITTED = 2;
    static final int W_OP = 0, W_STEP = 8, W_COUNT = 16, W_ARGS = 24, W_PAIRS = 128;
    /** Detail bit of a local MALLOC record: the block came from the bump pointer, not the free list. */
    static final long BUMPED = 1;
    /** Detail bit of a local record: the parity of the client's count after the op. */
    static final long PARITY = 2;
    private static final long DETAIL_MASK = (1L << 52) - 1;
    /** Most pairs in one record. */
    public static final int MAX_PAIRS = (PoolLayout.REDO_BYTES - W_PAIRS) / 16;

    private final PoolWords w;

    RedoLog(PoolWords w) {
        this.w = w;
    }

    static long word(int op, int state) {
        return ((long) op << 56) | ((long) state << 52);
    }

    static int op(long word) {
        return (int) (word >>> 56);
    }

    static int state(long word) {
        return (int) (word >>> 52) & 0xF;
    }

    /** Starts a record: no pairs, no step. */
    void begin(long r) {
        w.put(r + W_COUNT, 0);
        w.put(r + W_STEP, 0);
    }

    void arg(long r, int i, long value) {
        w.put(r + W_ARGS + 8L * i, value);
    }

    long arg(long r, int i) {
        return w.get(r + W_ARGS + 8L * i);
    }

    /** The value the record will leave at {@code offset}. */
    long read(long r, long offset) {
        int n = (int) w.get(r + W_COUNT);
        for (int k = n - 1; k >= 0; k--) {
            long p = r + W_PAIRS + 16L * k;
            if (w.get(p) == offset) {
                return w.get(p + 8);
            }
        }
        return w.get(offset);
    }

    /** Adds (or replaces) the write of {@code value} at {@code offset}. */
    void write(long r, long offset, long value) {
        int n = (int) w.get(r + W_COUNT);
        for (int k = 0; k < n; k++) {
            long p = r + W_PAIRS + 16L * k;
            if (w.get(p) == offset) {
                w.put(p + 8, value);
                return;
            }
        }
        if (n == MAX_PAIRS) {
            throw new IllegalStateException("redo record at 0x" + Long.toHexString(r) + " holds " + n + " pairs");
        }
        long p = r + W_PAIRS + 16L * n;
        w.put(p, offset);
        w.put(p + 8, value);
        w.put(r + W_COUNT, n + 1);
    }

    /** Publishes the record's intent (arguments) before a shared atomic step. */
    void intent(long r, int op) {
        w.so(r + W_OP, word(op, INTENT));
    }

    /** Commits the record: from here on RECOVER applies it. */
    void commit(long r, int op) {
        w.so(r + W_OP, word(op, COMMITTED));
    }

    /**
     * Commits a local MALLOC or FREE record in one store (see the class comment).
     *
     * @param hdrOff   the block's header offset, 8-aligned and below 2^52
     * @param newCount the client's allocation or free count after the op
     * @param bumped   for MALLOC: the block came from the bump pointer
     */
    void commitLocal(long r, int op, long hdrOff, long newCount, boolean bumped) {
        w.so(r + W_OP, word(op, COMMITTED) | hdrOff | (newCount & 1) << 1 | (bumped ? BUMPED : 0));
    }

    /**
     * Commits a SEND or RECV record in one store, after its arguments (handle, position) are written.
     *
     * @param detail the destination client (SEND) or the ring taken from (RECV); below 2^52
     */
    void commitTransfer(long r, int op, long detail) {
        w.so(r + W_OP, word(op, COMMITTED) | detail);
    }

    /** The detail a transfer record was committed with. */
    static long transferDetail(long word) {
        return word & DETAIL_MASK;
    }

    /** The header offset a local record names. */
    static long localHeader(long word) {
        return word & DETAIL_MASK & ~7L;
    }

    /** Whether a local MALLOC record's block came from the bump pointer. */
    static boolean localBumped(long word) {
        return (word & BUMPED) != 0;
    }

    /** The parity of the client's count after a local record's op. */
    static long localParity(long word) {
        return (word & PARITY) >>> 1;
    }

    /** Applies every pair. */
    void apply(long r) {
        int n = (int) w.get(r + W_COUNT);
        for (int k = 0; k < n; k++) {
            long p = r + W_PAIRS + 16L * k;
            w.put(w.get(p), w.get(p + 8));
        }
    }

    void step(long r, long step) {
        w.so(r + W_STEP, step);
    }

    long step(long r) {
        return w.get(r + W_STEP);
    }

    long header(long r) {
        return w.lv(r + W_OP);
    }

    /** Ends the record. */
    void clear(long r) {
        w.so(r + W_OP, 0);
    }
}

package org.aepdsm.backend.sim.frame;

/**
 * The {virtual page, offset} records of one VMA under contiguity-aware paging: each says that from
 * its virtual page on, page {@code vpn} should live in frame {@code vpn - offset}. At most
 * {@value #CAPACITY} are kept; the next one overwrites the oldest, as the kernel patch's
 * {@code capaging_sub_vma[64]} ring does.
 *
 * <pre>
 *   slot:    0      1      2     ...   63
 *   vpn:    v0     v1     v2           (unsorted; slots fill in order, then wrap at next)
 *   offset: o0     o1     o2
 *                         ^ next: the slot the next record goes to (the oldest once full)
 * </pre>
 *
 * <p>The record that governs a page is the one with the largest virtual page at or below it, or,
 * when there is none, the lowest one above it. A record for a virtual page already recorded
 * replaces that record's offset in place. Lookups scan the at most 64 slots, as the kernel does.
 *
 * <p>Thread-safety: none; the owning address space serialises calls.
 */
public final class OffsetRecords {
    /** Records kept per VMA. */
    public static final int CAPACITY = 64;

    private final long[] vpns = new long[CAPACITY];
    private final long[] offsets = new long[CAPACITY];
    private int count;
    private int next;

    /** Adds a record, overwriting the oldest when all {@value #CAPACITY} slots are used. */
    public void add(long vpn, long offset) {
        for (int i = 0; i < count; i++) {
            if (vpns[i] == vpn) {
                offsets[i] = offset;
                return;
            }
        }
        vpns[next] = vpn;
        offsets[next] = offset;
        next = (next + 1) % CAPACITY;
        count = Math.min(count + 1, CAPACITY);
    }

    /** The slot of the record governing {@code vpn}, or -1 when there are no records. */
    public int lookup(long vpn) {
        int below = -1;
        int above = -1;
        for (int i = 0; i < count; i++) {
            long v = vpns[i];
            if (v <= vpn) {
                if (below < 0 || v > vpns[below]) {
                    below = i;
                }
            } else if (above < 0 || v < vpns[above]) {
                above = i;
            }
        }
        return below >= 0 ? below : above;
    }

    /** The lowest recorded virtual page above {@code vpn}, or {@link Long#MAX_VALUE}. */
    public long nextAbove(long vpn) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < count; i++) {
            if (vpns[i] > vpn && vpns[i] < best) {
                best = vpns[i];
            }
        }
        return best;
    }

    /** The offset of the record in {@code slot}. */
    public long offset(int slot) {
        return offsets[slot];
    }

    /** The virtual page of the record in {@code slot}. */
    public long vpn(int slot) {
        return vpns[slot];
    }

    /** Records held, at most {@value #CAPACITY}. */
    public int size() {
        return count;
    }
}

package org.aepdsm.backend.sim.frame;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Contiguity-aware placement of demand-filled frames for one address space (CA paging, ISCA 2020):
 * each VMA keeps its pages at a constant virtual-to-physical offset where it can, so that its
 * mapping forms a few long runs that a range TLB covers with a few entries.
 *
 * <pre>
 *   fault at vpn in VMA [start, start + pages)
 *     records := the VMA's OffsetRecords (up to 64 {vpn, offset})
 *     r := record governing vpn
 *     r exists and frame vpn - r.offset is free   -> take it                       (targeted)
 *     r missing (first fault of the VMA)          -> P := nextFit(pages); record {start, start - P};
 *                                                    take start's offset target if free  (placed)
 *     otherwise                                   -> P := nextFit(pages up to the next record or
 *                                                    the VMA's end); record {vpn, vpn - P}; take P
 *                                                                                  (placed)
 *     nothing free where the runs say             -> the buddy allocator's choice, no record
 *                                                                                  (fallback)
 * </pre>
 *
 * <p>Records are kept per VMA, keyed by its first virtual page and its length: a VMA that is split
 * or replaced starts with no records. The free runs and the rover belong to the pool and are shared
 * by every space placing there, as the kernel's per-zone contiguity map is.
 *
 * <p>Thread-safety: none; the owning address space serialises calls. The {@link Frames} it places in
 * must be safe to call from several spaces at once: between choosing a run and taking a frame another
 * space may take it, which only makes the next step run.
 */
public final class ContiguityPlacement {
    /** What the policy needs of a frame pool. Every method takes the frame for the caller's exclusive use. */
    public interface Frames {
        /**
         * Chooses where {@code wanted} frames should go, as {@link FreeRunIndex#nextFit}; nothing is allocated.
         *
         * @return the first frame, aligned to {@code 2^order}, or -1 when no free run holds such a block
         */
        long nextFit(long wanted, int order);

        /** Takes exactly the block at {@code frame}, or returns -1 if any frame of it is taken or out of range. */
        long tryAllocateAt(long frame, int order);

        /**
         * Takes any block, as the buddy allocator chooses.
         *
         * @throws org.aepdsm.api.AepException {@code ENOMEM} when no block is free
         */
        long allocate(int order);
    }

    /** How many faults each step served. Immutable. */
    public record Counts(long targeted, long placed, long fallbacks) {
    }

    private record VmaKey(long startVpn, long pages) {
    }

    private final Frames frames;
    private final Map<VmaKey, OffsetRecords> records = new HashMap<>();
    private long targeted;
    private long placed;
    private long fallbacks;

    /** A policy placing in {@code frames}. */
    public ContiguityPlacement(Frames frames) {
        this.frames = frames;
    }

    /**
     * Takes the frame block for a demand fault.
     *
     * @param startVpn first virtual page of the faulting VMA
     * @param pages    pages in the VMA
     * @param vpn      first virtual page of the page to fill, aligned to {@code 2^order}
     * @param order    block order of the page (0 for 4 KiB, 9 for 2 MiB)
     * @return the first frame of the block, now allocated
     * @throws org.aepdsm.api.AepException {@code ENOMEM} when no block is free at all
     */
    public long place(long startVpn, long pages, long vpn, int order) {
        OffsetRecords r = records.computeIfAbsent(new VmaKey(startVpn, pages), k -> new OffsetRecords());
        int slot = r.lookup(vpn);
        if (slot >= 0) {
            long f = tryTarget(vpn - r.offset(slot), order);
            if (f >= 0) {
                targeted++;
                return f;
            }
        } else {
            long p = frames.nextFit(pages, order);
            if (p >= 0) {
                r.add(startVpn, startVpn - p);
                long f = tryTarget(p + (vpn - startVpn), order);
                if (f >= 0) {
                    placed++;
                    return f;
                }
            }
        }
        long end = Math.min(r.nextAbove(vpn), startVpn + pages);
        long p = frames.nextFit(end - vpn, order);
        if (p >= 0 && frames.tryAllocateAt(p, order) >= 0) {
            r.add(vpn, vpn - p);
            placed++;
            return p;
        }
        long f = frames.allocate(order);
        fallbacks++;
        return f;
    }

    private long tryTarget(long frame, int order) {
        if (frame < 0 || (frame & ((1L << order) - 1)) != 0) {
            return -1;
        }
        return frames.tryAllocateAt(frame, order);
    }

    /** Drops the records of every VMA that overlaps {@code [startVpn, endVpn)} (it was unmapped or cut). */
    public void forget(long startVpn, long endVpn) {
        for (Iterator<VmaKey> it = records.keySet().iterator(); it.hasNext();) {
            VmaKey k = it.next();
            if (k.startVpn() < endVpn && k.startVpn() + k.pages() > startVpn) {
                it.remove();
            }
        }
    }

    /** The records of the VMA, or null when it has none yet. */
    public OffsetRecords records(long startVpn, long pages) {
        return records.get(new VmaKey(startVpn, pages));
    }

    /** Faults served so far by each step. */
    public Counts counts() {
        return new Counts(targeted, placed, fallbacks);
    }
}

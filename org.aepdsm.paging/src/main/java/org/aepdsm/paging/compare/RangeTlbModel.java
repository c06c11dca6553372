package org.aepdsm.paging.compare;

import java.util.Arrays;

import org.aepdsm.api.paging.PageMap;

/**
 * A fully associative range TLB with LRU replacement (as Redundant Memory Mappings propose), whose
 * entries are the {@code RANGE} runs of a page map: one entry translates every page of one run.
 * It counts the misses of an access trace, so that placements can be compared by the translations
 * they cost and not only by their entry counts.
 *
 * <pre>
 *   runs:    firstVpn[i] .. endVpn[i]   ascending, one per maximal run consecutive in vpn and pfn
 *   lookup:  binary search of the run holding vpn, then a scan of the cached run ids (at most
 *            {@code entries}); a miss replaces the least recently used id
 * </pre>
 *
 * <p>Not thread-safe; build one per measurement.
 */
public final class RangeTlbModel {
    private final long[] firstVpn;
    private final long[] endVpn;
    private final int[] cached;
    private final long[] lastUse;

    /** A model of {@code entries} entries over the runs of {@code map}. */
    public RangeTlbModel(PageMap map, int entries) {
        long[] first = new long[16];
        long[] end = new long[16];
        int n = 0;
        for (PageMap.Vma v : map.vmas()) {
            long[] pfns = v.pfns();
            for (int i = 0; i < pfns.length; i++) {
                if (pfns[i] == PageMap.NOT_PRESENT) {
                    continue;
                }
                long vpn = v.startVpn() + i;
                if (n > 0 && end[n - 1] == vpn && i > 0 && pfns[i - 1] != PageMap.NOT_PRESENT
                        && pfns[i] == pfns[i - 1] + 1) {
                    end[n - 1] = vpn + 1;
                    continue;
                }
                if (n == first.length) {
                    first = Arrays.copyOf(first, n * 2);
                    end = Arrays.copyOf(end, n * 2);
                }
                first[n] = vpn;
                end[n] = vpn + 1;
                n++;
            }
        }
        this.firstVpn = Arrays.copyOf(first, n);
        this.endVpn = Arrays.copyOf(end, n);
        this.cached = new int[entries];
        this.lastUse = new long[entries];
        Arrays.fill(cached, -1);
    }

    /** Misses of the accesses, in order, starting from an empty TLB; an address in no run counts as a miss. */
    public long misses(long[] addresses) {
        Arrays.fill(cached, -1);
        long misses = 0;
        long tick = 0;
        for (long address : addresses) {
            tick++;
            long vpn = address >>> 12;
            int at = Arrays.binarySearch(firstVpn, vpn);
            int run = at >= 0 ? at : -at - 2;
            if (run < 0 || vpn >= endVpn[run]) {
                misses++;
                continue;
            }
            if (!lookup(run, tick)) {
                misses++;
            }
        }
        return misses;
    }

    /** Whether the run is cached; on a miss it replaces an empty slot, else the least recently used one. */
    private boolean lookup(int run, long tick) {
        int victim = 0;
        for (int s = 0; s < cached.length; s++) {
            if (cached[s] == run) {
                lastUse[s] = tick;
                return true;
            }
            if (cached[victim] >= 0 && (cached[s] < 0 || lastUse[s] < lastUse[victim])) {
                victim = s;
            }
        }
        cached[victim] = run;
        lastUse[victim] = tick;
        return false;
    }

    /** The number of runs (Range TLB entries of the map). */
    public int runs() {
        return firstVpn.length;
    }
}

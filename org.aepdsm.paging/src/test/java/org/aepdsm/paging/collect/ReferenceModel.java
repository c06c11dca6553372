package org.aepdsm.paging.collect;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.aepdsm.api.paging.MappingKind;
import org.aepdsm.api.paging.PageMap;

/**
 * A slow, page-at-a-time statement of the corrected page-collect rules, written independently of
 * {@link ContiguityScan} so the two can be compared on random maps. Histograms map size to count.
 */
final class ReferenceModel {
    final Map<MappingKind, TreeMap<Long, Long>> histograms = new EnumMap<>(MappingKind.class);
    long present;
    long huge;
    int shift;

    ReferenceModel(PageMap map) {
        for (MappingKind k : MappingKind.values()) {
            histograms.put(k, new TreeMap<>());
        }
        List<long[]> runs = new ArrayList<>();
        Map<Long, Long> offsets = new HashMap<>();
        for (PageMap.Vma v : map.vmas()) {
            if (v.pages() > 0) {
                bump(MappingKind.VMA, v.pages(), 1);
            }
            long vStart = -1;
            long rStart = -1;
            long prevVpn = -2;
            long prevPfn = -2;
            long[] pfns = v.pfns();
            for (int i = 0; i <= pfns.length; i++) {
                long vpn = v.startVpn() + i;
                long pfn = i < pfns.length ? pfns[i] : PageMap.NOT_PRESENT;
                boolean p = pfn != PageMap.NOT_PRESENT;
                boolean virtualGoesOn = p && vpn == prevVpn + 1;
                boolean rangeGoesOn = virtualGoesOn && pfn == prevPfn + 1;
                if (!virtualGoesOn && vStart >= 0) {
                    bump(MappingKind.VIRTUAL, prevVpn + 1 - vStart, 1);
                    vStart = -1;
                }
                if (!rangeGoesOn && rStart >= 0) {
                    runs.add(new long[] {rStart, prevVpn + 1, rStart - (prevPfn - (prevVpn - rStart))});
                    rStart = -1;
                }
                if (p) {
                    present++;
                    offsets.merge(vpn - pfn, 1L, Long::sum);
                    if (vStart < 0) {
                        vStart = vpn;
                    }
                    if (rStart < 0) {
                        rStart = vpn;
                    }
                    prevVpn = vpn;
                    prevPfn = pfn;
                } else {
                    prevVpn = -2;
                }
            }
        }
        for (long[] r : runs) {
            bump(MappingKind.RANGE, r[1] - r[0], 1);
        }
        for (long pages : offsets.values()) {
            bump(MappingKind.SPOT, pages, 1);
        }
        long[] cost = new long[22];
        for (int i = 0; i < 22; i++) {
            for (var e : histograms.get(MappingKind.RANGE).entrySet()) {
                long s = e.getKey();
                long rest = s % (1L << i);
                cost[i] += (s / (1L << i) + rest / 512 + rest % 512) * e.getValue();
            }
        }
        long min = cost[0];
        for (int i = 1; i < 22; i++) {
            if (cost[i] <= min) {
                min = cost[i];
                shift = i;
            }
        }
        long a = 1L << shift;
        for (long[] r : runs) {
            long s = r[0];
            long e = r[1];
            long offset = r[2];
            long aligned = s % a == 0 ? s : s + a - s % a;
            while (s < e) {
                if (s < aligned) {
                    if (s % 512 != 0 || s + 512 > e || s + 512 > aligned || Math.floorMod(offset, 512) != 0) {
                        bump(MappingKind.ANCHOR, 1, 1);
                        s += 1;
                    } else {
                        bump(MappingKind.ANCHOR, 512, 1);
                        s += 512;
                    }
                } else {
                    long piece = Math.min(a, e - s);
                    bump(MappingKind.ANCHOR, piece, 1);
                    s += piece;
                }
            }
            for (long b = r[0]; b + 512 <= r[1]; b++) {
                if (b % 512 == 0 && Math.floorMod(b - offset, 512) == 0) {
                    huge++;
                }
            }
        }
    }

    private void bump(MappingKind kind, long size, long count) {
        histograms.get(kind).merge(size, count, Long::sum);
    }

    /** Entry sizes, largest first, one element per entry. */
    List<Long> entries(MappingKind kind) {
        List<Long> all = new ArrayList<>();
        histograms.get(kind).forEach((s, c) -> {
            for (long i = 0; i < c; i++) {
                all.add(s);
            }
        });
        all.sort(Collections.reverseOrder());
        return all;
    }

    /** Pages of the n largest entries. */
    long pagesOfLargest(MappingKind kind, int n) {
        return entries(kind).stream().limit(n).mapToLong(Long::longValue).sum();
    }

    /** Fewest entries whose pages are at least percent% of the present pages (exact rationals). */
    long entriesFor(MappingKind kind, int percent) {
        long sum = 0;
        long k = 0;
        if (present == 0) {
            return 0;
        }
        for (long s : entries(kind)) {
            sum += s;
            k++;
            if (sum * 100 >= (long) percent * present) {
                return k;
            }
        }
        return 0;
    }
}

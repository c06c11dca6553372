package org.aepdsm.paging.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.aepdsm.api.paging.ContiguityReport;
import org.aepdsm.api.paging.KindReport;
import org.aepdsm.api.paging.MappingKind;
import org.aepdsm.api.paging.PageMap;
import org.junit.jupiter.api.Test;

/**
 * The run-based scan agrees with the page-at-a-time {@link ReferenceModel} on random maps mixing holes,
 * frame jumps, reused offsets and 2 MiB aligned blocks. Seeds are fixed and named in every message.
 */
class RandomMapsTest {
    private final PageCollect collect = new PageCollect();

    static PageMap randomMap(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<PageMap.Vma> vmas = new ArrayList<>();
        List<Long> usedOffsets = new ArrayList<>();
        long vpn = rnd.nextLong(0, 4096);
        int vmaCount = rnd.nextInt(1, 8);
        for (int v = 0; v < vmaCount; v++) {
            int pages = rnd.nextInt(1, rnd.nextBoolean() ? 40 : 3000);
            long[] pfns = new long[pages];
            long pfn = rnd.nextLong(1, 1 << 20);
            for (int i = 0; i < pages; i++) {
                int r = rnd.nextInt(100);
                long page = vpn + i;
                if (page % 512 == 0 && i + 512 <= pages && r < 20) {
                    long frame = rnd.nextLong(1, 1 << 12) * 512;
                    for (int j = 0; j < 512; j++) {
                        pfns[i + j] = frame + j;
                    }
                    pfn = frame + 512;
                    i += 511;
                    continue;
                }
                if (r < 15) {
                    pfns[i] = PageMap.NOT_PRESENT;
                    continue;
                }
                if (r < 20 && !usedOffsets.isEmpty()) {
                    long offset = usedOffsets.get(rnd.nextInt(usedOffsets.size()));
                    pfn = page - offset >= 0 ? page - offset : rnd.nextLong(1, 1 << 20);
                } else if (r < 27) {
                    pfn = rnd.nextLong(1, 1 << 20);
                }
                pfns[i] = pfn;
                usedOffsets.add(page - pfn);
                pfn++;
            }
            vmas.add(new PageMap.Vma(vpn, pfns, pages + (rnd.nextBoolean() ? 0 : rnd.nextInt(1, 100))));
            vpn += vmas.getLast().pages() + (rnd.nextBoolean() ? 0 : rnd.nextLong(1, 2048));
        }
        return new PageMap("random seed " + seed, vmas);
    }

    @Test
    void scanAgreesWithPageAtATimeModel() {
        java.util.Set<Long> distances = new java.util.TreeSet<>();
        int mapsWithHugePages = 0;
        for (long seed = 1; seed <= 300; seed++) {
            PageMap map = randomMap(seed);
            ReferenceModel model = new ReferenceModel(map);
            ContiguityReport r = collect.analyze(map);
            String what = map.source();
            assertEquals(model.present, r.presentPages(), what + " present");
            assertEquals(map.presentPages(), r.presentPages(), what + " present per PageMap");
            assertEquals(model.huge, r.hugePages(), what + " 2M pages");
            assertEquals(1L << model.shift, r.anchorDistance(), what + " anchor distance");
            distances.add(r.anchorDistance());
            mapsWithHugePages += r.hugePages() > 0 ? 1 : 0;
            for (MappingKind kind : MappingKind.values()) {
                KindReport k = r.of(kind);
                String w = what + " " + kind;
                assertEquals(model.histograms.get(kind).descendingMap(), k.histogram(), w + " histogram");
                assertEquals(model.entries(kind).size(), k.totalEntries(), w + " entries");
                for (int n : new int[] {32, 64, 128, 256}) {
                    assertEquals(model.pagesOfLargest(kind, n), k.coveragePagesAt().get(n), w + " pages of " + n);
                }
                for (int p : new int[] {80, 90, 99}) {
                    assertEquals(model.entriesFor(kind, p), k.target(p).entries(), w + " entries for " + p + "%");
                }
            }
        }
        assertTrue(distances.size() >= 3, "anchor distances met: " + distances);
        assertTrue(mapsWithHugePages > 10, "maps with 2 MiB blocks: " + mapsWithHugePages);
    }
}

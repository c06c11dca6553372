package org.aepdsm.paging.collect;

import java.util.List;
import java.util.SplittableRandom;

import org.aepdsm.api.paging.ContiguityReport;
import org.aepdsm.api.paging.PageMap;

/**
 * Not a test: times the analysis of a 4 GiB process (1M pages) whose frames come in runs of random
 * length, 2 MiB blocks and scattered pages. Run with {@code java -cp ... AnalyzeBench [seed]}.
 */
public final class AnalyzeBench {
    private AnalyzeBench() {
    }

    public static void main(String[] args) {
        long seed = args.length > 0 ? Long.parseLong(args[0]) : 42;
        SplittableRandom rnd = new SplittableRandom(seed);
        int pages = 1 << 20;
        long[] pfns = new long[pages];
        long pfn = 1 << 20;
        for (int i = 0; i < pages; i++) {
            int r = rnd.nextInt(1000);
            if (r < 5) {
                pfn = rnd.nextLong(1, 1L << 30);
            } else if (r < 8) {
                pfns[i] = PageMap.NOT_PRESENT;
                continue;
            }
            pfns[i] = pfn++;
        }
        PageMap map = new PageMap("bench seed " + seed, List.of(new PageMap.Vma(1L << 20, pfns)));
        PageCollect collect = new PageCollect();
        for (int round = 0; round < 10; round++) {
            long t0 = System.nanoTime();
            ContiguityReport r = collect.analyze(map);
            long t1 = System.nanoTime();
            System.out.printf("round %d: %.1f ms, %d present, %d Range entries, %d Anchor entries, anchor %d%n",
                    round, (t1 - t0) / 1e6, r.presentPages(), r.of(org.aepdsm.api.paging.MappingKind.RANGE).totalEntries(),
                    r.of(org.aepdsm.api.paging.MappingKind.ANCHOR).totalEntries(), r.anchorDistance());
        }
    }
}

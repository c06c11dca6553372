package org.aepdsm.paging.compare;

import java.util.Objects;

import org.aepdsm.api.memory.AccessStats;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.FramePool;
import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.api.paging.ContiguityAnalyzer;
import org.aepdsm.api.paging.ContiguityReport;
import org.aepdsm.api.paging.PageMap;
import org.aepdsm.api.paging.PlacementPolicy;

/**
 * Runs a workload twice on node 0 of a backend, in a fresh address space each time, once under the
 * buddy allocator and once under contiguity-aware placement, and measures both: the contiguity report
 * of the page map, the TLB model's counters while the steady-state accesses are replayed, and the
 * misses of a 32-entry range TLB over the same accesses.
 *
 * <pre>
 *   for policy in BUDDY, CONTIGUITY_AWARE:
 *     space := createAddressSpace(0, ...); space.setPlacementPolicy(policy)
 *     working set := workload.run(space, framePool(0), seed)       faults happen here
 *     report := analyze(space.pageMap())
 *     resetStats; replay accesses; stats := space.stats()
 *     close the space; release what the workload held               the pool is as before
 * </pre>
 *
 * <p>Everything goes through the memory SPI, so any backend with page tables and physical frame numbers
 * can run it; the runs change nothing lasting in the backend. Thread-safe if the analyzer is; a run
 * uses the backend's node-0 pool exclusively in effect (concurrent users change the results, not their
 * correctness).
 */
public final class PlacementComparison {
    /** Range TLB entries of the miss model (the coverage the reports print first). */
    public static final int RANGE_TLB_ENTRIES = 32;

    private final ContiguityAnalyzer analyzer;

    /** A comparison using {@code analyzer} for the reports. */
    public PlacementComparison(ContiguityAnalyzer analyzer) {
        this.analyzer = Objects.requireNonNull(analyzer, "analyzer");
    }

    /**
     * One policy's measurements.
     *
     * @param policy         the placement
     * @param report         contiguity statistics of the space after the workload
     * @param stats          the space's counters over the replay only
     * @param rangeTlbMisses misses of a {@value #RANGE_TLB_ENTRIES}-entry LRU range TLB over the replay
     */
    public record Side(PlacementPolicy policy, ContiguityReport report, AccessStats stats, long rangeTlbMisses) {
    }

    /**
     * Both runs.
     *
     * @param workload    the workload's name
     * @param backend     the backend's id
     * @param pool        the node-0 pool's name and size, for people
     * @param seed        the seed
     * @param description what the workload did (from the buddy run)
     * @param replayed    accesses replayed per run
     * @param buddy       under {@link PlacementPolicy#BUDDY}
     * @param ca          under {@link PlacementPolicy#CONTIGUITY_AWARE}
     */
    public record Result(String workload, String backend, String pool, long seed, String description, int replayed,
            Side buddy, Side ca) {
    }

    /** Runs {@code workload} under both policies on node 0 of {@code backend}. */
    public Result compare(MemoryBackend backend, Workload workload, long seed) {
        FramePool pool = backend.framePool(0);
        String poolText = pool.name() + ", " + pool.frameCount() + " frames, " + pool.freeFrames() + " free";
        String[] description = new String[1];
        int[] replayed = new int[1];
        Side buddy = run(backend, pool, workload, seed, PlacementPolicy.BUDDY, description, replayed);
        Side ca = run(backend, pool, workload, seed, PlacementPolicy.CONTIGUITY_AWARE, null, null);
        return new Result(workload.name(), backend.id(), poolText, seed, description[0], replayed[0], buddy, ca);
    }

    private Side run(MemoryBackend backend, FramePool pool, Workload workload, long seed, PlacementPolicy policy,
            String[] description, int[] replayed) {
        long spaceBytes = roundUp2M(2 * pool.frameCount() * PageSize.FRAME_BYTES + (256L << 20));
        Workload.WorkingSet ws;
        Side side;
        try (AddressSpace space = backend.createAddressSpace(0, spaceBytes)) {
            space.setPlacementPolicy(policy);
            ws = workload.run(space, pool, seed);
            try {
                PageMap map = space.pageMap();
                ContiguityReport report = analyzer.analyze(map);
                space.resetStats();
                ws.replay().replay(space);
                AccessStats stats = space.stats();
                long misses = new RangeTlbModel(map, RANGE_TLB_ENTRIES).misses(ws.replay().toArray());
                side = new Side(policy, report, stats, misses);
            } catch (RuntimeException e) {
                space.close();
                ws.release().run();
                throw e;
            }
        }
        ws.release().run();
        if (description != null) {
            description[0] = ws.description();
            replayed[0] = ws.replay().size();
        }
        return side;
    }

    private static long roundUp2M(long bytes) {
        long m = PageSize.SIZE_2M.bytes();
        return (bytes + m - 1) / m * m;
    }
}

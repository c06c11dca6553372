package org.aepdsm.paging.compare;

import java.util.SplittableRandom;

import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.FramePool;

/**
 * A hash-table key-value store at page granularity: many small nodes and values appended to arenas,
 * indexed by a large bucket table that hashing touches in random order.
 *
 * <pre>
 *   B = 2/5 of the free frames
 *   table   B/2 pages of buckets
 *   nodes   64-byte nodes, 64 per page, appended        } N = (B/2) * 64/9 keys,
 *   values  512-byte values, 8 per page, appended       } so nodes + values take B/2 pages
 *   insert key k: store into bucket page hash(k), node page k/64, value page k/8
 *   replay: 50,000 lookups of random keys (bucket page, node page, value page each)
 * </pre>
 *
 * <p>Faults alternate between random bucket pages and the two arenas' next pages. Stateless and
 * thread-safe.
 */
public final class KeyValueWorkload implements Workload {
    private static final int NODES_PER_PAGE = 64;
    private static final int VALUES_PER_PAGE = 8;
    private static final int LOOKUPS = 50_000;

    @Override
    public String name() {
        return "kv";
    }

    @Override
    public WorkingSet run(AddressSpace space, FramePool pool, long seed) {
        long budget = Math.max(1024, pool.freeFrames() * 2 / 5);
        long tablePages = budget / 2;
        long keys = budget / 2 * 64 / 9;
        long nodePages = (keys + NODES_PER_PAGE - 1) / NODES_PER_PAGE;
        long valuePages = (keys + VALUES_PER_PAGE - 1) / VALUES_PER_PAGE;
        AccessTrace trace = new AccessTrace();
        SpaceLayout layout = new SpaceLayout(space, trace);
        long table = layout.map(tablePages);
        long nodes = layout.map(nodePages);
        long values = layout.map(valuePages);
        for (long k = 0; k < keys; k++) {
            layout.write(table, bucketPage(k, seed, tablePages));
            layout.write(nodes, k / NODES_PER_PAGE);
            layout.write(values, k / VALUES_PER_PAGE);
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < LOOKUPS; i++) {
            long k = r.nextLong(keys);
            layout.readTraced(table, bucketPage(k, seed, tablePages));
            layout.readTraced(nodes, k / NODES_PER_PAGE);
            layout.readTraced(values, k / VALUES_PER_PAGE);
        }
        String description = keys + " keys: bucket table of " + tablePages + " pages touched by hash, " + nodePages
                + " node pages and " + valuePages + " value pages appended; " + LOOKUPS
                + " random lookups replayed (seed " + seed + ")";
        return new WorkingSet(description, trace, () -> { });
    }

    /** The bucket page of a key: a 64-bit mix (SplitMix64's finaliser) of key and seed. */
    private static long bucketPage(long key, long seed, long pages) {
        long z = key + seed * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return Math.floorMod(z, pages);
    }
}

package org.aepdsm.paging.compare;

import java.util.SplittableRandom;

import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.FramePool;

/**
 * A vertex-centric PageRank at page granularity: a graph loaded in stages into growing vertex arrays,
 * then iterations that scatter messages along the edges and gather them.
 *
 * <pre>
 *   u = vertex-array pages (8 bytes per vertex), about 2/45 of the free frames; edges take 4u pages
 *   load, 4 stages: capacity u/8, u/4, u/2, u
 *     each stage maps new ranks, next, degree and offsets arrays of the new capacity, copies the old
 *     ones page by page and unmaps them (a vector growing by doubling), then appends vertices:
 *     page p of each array, interleaved, and 4 pages of the edge array (mapped once, 4u pages)
 *   messages: 4 buffers of u/4 pages, mapped before the first iteration
 *   iteration, 2 of them: for each vertex page read ranks, offsets, degree and its 4 edge pages,
 *     storing one message per edge page into a random page of a random buffer (first touch of the
 *     buffers is in random order); then sweep the buffers and store next ranks
 *   replay: the accesses of the last iteration
 * </pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class PageRankWorkload implements Workload {
    private static final int STAGES = 4;
    private static final int ARRAYS = 4;
    private static final int EDGE_PAGES_PER_VERTEX_PAGE = 4;
    private static final int BUFFERS = 4;
    private static final int ITERATIONS = 2;

    @Override
    public String name() {
        return "pagerank";
    }

    @Override
    public WorkingSet run(AddressSpace space, FramePool pool, long seed) {
        long u = Math.max(64, pool.freeFrames() * 2 / 45 / 64 * 64);
        SplittableRandom r = new SplittableRandom(seed);
        AccessTrace trace = new AccessTrace();
        AccessTrace discarded = new AccessTrace();
        SpaceLayout layout = new SpaceLayout(space, discarded);
        long edges = layout.map(EDGE_PAGES_PER_VERTEX_PAGE * u);
        long[] arrays = new long[ARRAYS];
        long capacity = 0;
        for (int stage = 0; stage < STAGES; stage++) {
            long grown = u >> (STAGES - 1 - stage);
            for (int a = 0; a < ARRAYS; a++) {
                long bigger = layout.map(grown);
                for (long p = 0; p < capacity; p++) {
                    layout.read(arrays[a], p);
                    layout.write(bigger, p);
                }
                if (capacity > 0) {
                    layout.unmap(arrays[a], capacity);
                }
                arrays[a] = bigger;
            }
            for (long p = capacity; p < grown; p++) {
                for (int a = 0; a < ARRAYS; a++) {
                    layout.write(arrays[a], p);
                }
                for (int e = 0; e < EDGE_PAGES_PER_VERTEX_PAGE; e++) {
                    layout.write(edges, p * EDGE_PAGES_PER_VERTEX_PAGE + e);
                }
            }
            capacity = grown;
        }
        long bufferPages = u / BUFFERS;
        long[] buffers = new long[BUFFERS];
        for (int b = 0; b < BUFFERS; b++) {
            buffers[b] = layout.map(bufferPages);
        }
        long ranks = arrays[0];
        long next = arrays[1];
        long degree = arrays[2];
        long offsets = arrays[3];
        for (int it = 0; it < ITERATIONS; it++) {
            SpaceLayout l = it == ITERATIONS - 1 ? new SpaceLayout(space, trace) : layout;
            for (long p = 0; p < u; p++) {
                l.readTraced(ranks, p);
                l.readTraced(offsets, p);
                l.readTraced(degree, p);
                for (int e = 0; e < EDGE_PAGES_PER_VERTEX_PAGE; e++) {
                    l.readTraced(edges, p * EDGE_PAGES_PER_VERTEX_PAGE + e);
                    l.writeTraced(buffers[r.nextInt(BUFFERS)], r.nextLong(bufferPages));
                }
            }
            for (int b = 0; b < BUFFERS; b++) {
                for (long p = 0; p < bufferPages; p++) {
                    l.readTraced(buffers[b], p);
                    l.writeTraced(next, b * bufferPages + p);
                }
            }
            long t = ranks;
            ranks = next;
            next = t;
        }
        String description = "graph of " + u * 512 + " vertices: 4 vertex arrays grown in " + STAGES
                + " doubling stages to " + u + " pages each, " + EDGE_PAGES_PER_VERTEX_PAGE * u + " edge pages, "
                + BUFFERS + " message buffers of " + bufferPages + " pages filled in random order (seed " + seed + "), "
                + ITERATIONS + " iterations";
        return new WorkingSet(description, trace, () -> { });
    }
}

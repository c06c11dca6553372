package org.aepdsm.paging.compare;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.FramePool;

/**
 * Physical memory fragmented first, then one large VMA faulted in address order.
 *
 * <pre>
 *   1. hold every free frame of the pool (order-0 allocations), sorted by frame number
 *   2. first quarter of them: free every other one        -> isolated free frames
 *      the rest: free runs of 8..1023 frames, leaving gaps of 1..127 held frames (seeded)
 *   3. map one VMA of a quarter of the held frames' count and touch its pages in order
 *   4. replay: two sweeps over the VMA
 *   release: free the frames still held
 * </pre>
 *
 * <p>The buddy allocator serves order-0 faults from its order-0 free list first, so the VMA lands on
 * the isolated frames one by one; contiguity-aware placement takes the long free runs.
 * Stateless and thread-safe.
 */
public final class FragmentWorkload implements Workload {
    @Override
    public String name() {
        return "fragment";
    }

    @Override
    public WorkingSet run(AddressSpace space, FramePool pool, long seed) {
        long free = pool.freeFrames();
        long[] held = new long[Math.toIntExact(free)];
        for (int i = 0; i < held.length; i++) {
            held[i] = pool.allocate(0);
        }
        Arrays.sort(held);
        boolean[] released = new boolean[held.length];
        int quarter = held.length / 4;
        long singles = 0;
        for (int i = 0; i < quarter; i += 2) {
            pool.free(held[i], 0);
            released[i] = true;
            singles++;
        }
        SplittableRandom r = new SplittableRandom(seed);
        long runs = 0;
        int i = quarter + (int) r.nextLong(1, 128);
        while (i < held.length) {
            int end = (int) Math.min(held.length, i + r.nextLong(8, 1024));
            for (int j = i; j < end; j++) {
                pool.free(held[j], 0);
                released[j] = true;
            }
            runs++;
            i = end + (int) r.nextLong(1, 128);
        }
        Runnable release = () -> {
            for (int j = 0; j < held.length; j++) {
                if (!released[j]) {
                    pool.free(held[j], 0);
                }
            }
        };
        long pages = held.length / 4;
        AccessTrace trace = new AccessTrace();
        try {
            SpaceLayout layout = new SpaceLayout(space, trace);
            long vma = layout.map(pages);
            for (long p = 0; p < pages; p++) {
                layout.write(vma, p);
            }
            for (int sweep = 0; sweep < 2; sweep++) {
                for (long p = 0; p < pages; p++) {
                    layout.readTraced(vma, p);
                }
            }
        } catch (RuntimeException e) {
            space.close();
            release.run();
            throw e;
        }
        String description = "held " + held.length + " frames of " + pool.name() + ", freed every other frame of the"
                + " first quarter (" + singles + ") and " + runs + " runs of 8..1023 frames of the rest (seed " + seed
                + "); then faulted " + pages + " pages of one VMA in address order";
        return new WorkingSet(description, trace, release);
    }
}

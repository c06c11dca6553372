package org.aepdsm.paging.compare;

import java.util.List;
import java.util.Optional;

import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.FramePool;

/**
 * A memory workload modelled at page granularity: the VMAs a program maps, the order in which it
 * first touches their pages (which is what a placement policy sees), and the accesses of its steady
 * state, recorded for replay through the TLB model. Sizes scale with the frames free in the pool, so
 * the same workload runs on any machine size; randomness comes from the seed only.
 *
 * <p>Implementations are stateless and thread-safe; each run owns what it maps and holds.
 */
public sealed interface Workload permits FragmentWorkload, PageRankWorkload, KeyValueWorkload {
    /** The workloads by name. */
    List<Workload> ALL = List.of(new FragmentWorkload(), new PageRankWorkload(), new KeyValueWorkload());

    /** The name used on the command line. */
    String name();

    /**
     * Maps and touches the working set in {@code space}, whose demand faults take frames from {@code pool}.
     *
     * @return the working set: a description, the accesses to replay, and what to give back once the
     *         space is closed
     */
    WorkingSet run(AddressSpace space, FramePool pool, long seed);

    /** The workload of that name. */
    static Optional<Workload> named(String name) {
        return ALL.stream().filter(w -> w.name().equals(name)).findFirst();
    }

    /** The names, in order. */
    static List<String> names() {
        return ALL.stream().map(Workload::name).toList();
    }

    /**
     * What a run left.
     *
     * @param description one line for people: what was mapped and touched
     * @param replay      the steady-state accesses
     * @param release     gives back frames the run held outside the space (call after closing the space)
     */
    record WorkingSet(String description, AccessTrace replay, Runnable release) {
    }
}

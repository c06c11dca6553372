package org.aepdsm.paging.command;

import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.api.paging.ContiguityAnalyzer;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The Gogo commands of scope {@code paging}. Wires the analyzer and the active backend (dynamic,
 * greedy, optional: a backend swap is picked up at once) and delegates to {@link CollectCommand} and
 * {@link PlacementCommands}.
 * Thread-safe.
 */
@Component(service = PagingCommands.class, property = {"osgi.command.scope=paging",
        "osgi.command.function=collect", "osgi.command.function=ca", "osgi.command.function=compare"})
public final class PagingCommands {
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(aepdsm.active=true)")
    private volatile MemoryBackend backend;

    private final CollectCommand collect;
    private final PlacementCommands placement;

    @Activate
    public PagingCommands(@Reference(name = "analyzer") ContiguityAnalyzer analyzer) {
        this.collect = new CollectCommand(analyzer, () -> backend);
        this.placement = new PlacementCommands(analyzer, () -> backend);
    }

    /** Commands over given command objects, for running them in a shell without a framework. */
    PagingCommands(CollectCommand collect, PlacementCommands placement) {
        this.collect = collect;
        this.placement = placement;
    }

    /** page-collect for a process or a simulated address space. */
    @Descriptor("contiguity statistics (VMA, Virtual, Anchor, Range TLB, SpOT) in page-collect's format, "
            + "of a live process (-p) or of an address space of the active backend (--space)")
    public String collect(
            @Descriptor("process id of a live process (root is needed to read frame numbers)")
            @Parameter(names = {"-p", "--pid"}, absentValue = "") String pid,
            @Descriptor("id of an address space of the active memory backend")
            @Parameter(names = {"-s", "--space"}, absentValue = "") String space,
            @Descriptor("file to write the report to as well")
            @Parameter(names = {"-o", "--out"}, absentValue = "") String out) {
        return collect.collect(pid, space, out);
    }

    /**
     * Contiguity-aware placement on or off for a simulated address space. Gogo passes named options
     * first whatever their place on the command line, so they come first here too.
     */
    @Descriptor("turn contiguity-aware placement on or off for later demand faults of an address space of the "
            + "active sim backend")
    public String ca(
            @Descriptor("id of an address space of the active sim backend")
            @Parameter(names = {"-s", "--space"}, absentValue = "") String space,
            @Descriptor("on (contiguity-aware) or off (buddy allocator)") String onOff) {
        return placement.ca(onOff, space);
    }

    /** A workload under both placements, side by side. */
    @Descriptor("run a workload (fragment, pagerank, kv) under the buddy allocator and under contiguity-aware "
            + "placement in fresh address spaces of the active sim backend and compare their contiguity and TLB misses")
    public String compare(
            @Descriptor("seed of the workload's random choices (default 42)")
            @Parameter(names = {"--seed"}, absentValue = "") String seed,
            @Descriptor("the workload: fragment, pagerank or kv") String workload) {
        return placement.compare(workload, seed);
    }
}

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
 * greedy, optional: a backend swap is picked up at once) and delegates to {@link CollectCommand}.
 * Thread-safe.
 */
@Component(service = PagingCommands.class, property = {"osgi.command.scope=paging",
        "osgi.command.function=collect"})
public final class PagingCommands {
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(aepdsm.active=true)")
    private volatile MemoryBackend backend;

    private final CollectCommand collect;

    @Activate
    public PagingCommands(@Reference(name = "analyzer") ContiguityAnalyzer analyzer) {
        this.collect = new CollectCommand(analyzer, () -> backend);
    }

    /** Commands over a given collect command, for running them in a shell without a framework. */
    PagingCommands(CollectCommand collect) {
        this.collect = collect;
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
}

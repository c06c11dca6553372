package org.aepdsm.dsm.command;

import org.aepdsm.api.dsm.DsmCluster;
import org.aepdsm.dsm.bench.DsmBench;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The Gogo commands of scope {@code dsm}. Binds the DSM cluster service (dynamic, optional) and delegates
 * to {@link DsmConsole}; {@code bench} runs {@link DsmBench} on private nodes. Thread-safe.
 */
@Component(service = DsmCommands.class, property = {"osgi.command.scope=dsm", "osgi.command.function=nodes",
        "osgi.command.function=region", "osgi.command.function=read", "osgi.command.function=write",
        "osgi.command.function=pages", "osgi.command.function=start", "osgi.command.function=migrate",
        "osgi.command.function=tasks", "osgi.command.function=bench"})
public final class DsmCommands {
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile DsmCluster cluster;

    private final DsmConsole console = new DsmConsole(() -> cluster);

    @Descriptor("cluster members: id, name, whether local, whether alive")
    public String nodes() {
        return console.nodes();
    }

    @Descriptor("create a region with this node as origin, or open the existing one of that name")
    public String region(@Descriptor("region name, the same on every node") String name,
            @Descriptor("size in bytes, a multiple of 4096") long size) {
        return console.region(name, size);
    }

    @Descriptor("load the long at an offset of a region (faults the page in if needed)")
    public String read(@Descriptor("region name") String region,
            @Descriptor("byte offset, 8-aligned (decimal or 0x hex)") String offset) {
        return console.read(region, offset);
    }

    @Descriptor("store a long at an offset of a region (takes the page for write, invalidating other copies)")
    public String write(@Descriptor("region name") String region,
            @Descriptor("byte offset, 8-aligned (decimal or 0x hex)") String offset,
            @Descriptor("the value (decimal or 0x hex)") String value) {
        return console.write(region, offset, value);
    }

    @Descriptor("each page's owner set, writer and whether it is lost, as the region's origin knows them")
    public String pages(@Descriptor("region name") String region) {
        return console.pages(region);
    }

    @Descriptor("start a migratable task on this node")
    public String start(@Descriptor("task class: CounterTask (built in) or a class name") String type) {
        return console.start(type);
    }

    @Descriptor("start a migratable task on a node")
    public String start(@Descriptor("task class: CounterTask (built in) or a class name") String type,
            @Descriptor("node id to run it on") int node) {
        return console.start(type, node);
    }

    @Descriptor("move a task to another node at its next migration point")
    public String migrate(@Descriptor("task id (see dsm:tasks)") long task,
            @Descriptor("target node id (see dsm:nodes)") int node) {
        return console.migrate(task, node);
    }

    @Descriptor("tasks known in the cluster: id, type, node, migrations, state")
    public String tasks() {
        return console.tasks();
    }

    @Descriptor("DSM benchmark on private loopback nodes: fault latencies, throughput with 1-3 nodes, "
            + "migrated-task slowdown, next to a TCP loopback round trip and local memory")
    public String bench() {
        return new DsmBench(DsmBench.Settings.defaults()).run();
    }
}

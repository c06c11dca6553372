package org.aepdsm.dsm.command;

import java.util.List;

import org.aepdsm.api.dsm.DsmCluster;
import org.aepdsm.api.dsm.DsmRegion;
import org.aepdsm.api.dsm.MigratableTask;
import org.aepdsm.api.dsm.NodeInfo;
import org.aepdsm.api.dsm.TaskInfo;
import org.aepdsm.dsm.cluster.ClusterConfig;
import org.aepdsm.dsm.coherence.DsmNode;
import org.aepdsm.dsm.coherence.FrameSource;
import org.aepdsm.dsm.os.UserfaultFrames;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Registers this JVM's {@link DsmNode} as the {@link DsmCluster} service. Configuration PID
 * {@code org.aepdsm.dsm}; a change makes the node leave and join again with the new settings.
 * Thread-safe: calls go to the current node.
 */
@Designate(ocd = DsmComponent.Config.class)
@Component(configurationPid = "org.aepdsm.dsm", service = DsmCluster.class)
public final class DsmComponent implements DsmCluster {
    @ObjectClassDefinition(name = "AEP-DSM cluster", description = "How this JVM joins the DSM cluster. "
            + "Every address must be a loopback address.")
    public @interface Config {
        @AttributeDefinition(name = "Cluster name", description = "JVMs with the same name form one DSM")
        String cluster_name() default "aepdsm";

        @AttributeDefinition(name = "Bind address", description = "loopback address TCP binds to")
        String bind_address() default "127.0.0.1";

        @AttributeDefinition(name = "Port", description = "first TCP port to try")
        int bind_port() default 7800;

        @AttributeDefinition(name = "Port range", description = "further ports to try when the first is taken")
        int port_range() default 10;

        @AttributeDefinition(name = "Initial members", description = "host[port] list TCPPING asks, loopback only")
        String initial_members() default "127.0.0.1[7800],127.0.0.1[7801],127.0.0.1[7802],127.0.0.1[7803]";

        @AttributeDefinition(name = "Node id", description = "this node's id; -1 takes the process id")
        int node_id() default -1;

        @AttributeDefinition(name = "Suspect timeout (ms)", description = "silence after which FD_ALL3 suspects")
        long suspect_timeout_ms() default 3000;

        @AttributeDefinition(name = "Verify timeout (ms)", description = "VERIFY_SUSPECT's check of a suspect")
        long verify_timeout_ms() default 1000;

        @AttributeDefinition(name = "Request timeout (ms)", description = "bound on every protocol request")
        long rpc_timeout_ms() default 10_000;

        @AttributeDefinition(name = "Fault path", description = "sim: the protocol's own page-state checks; "
                + "userfaultfd: regions are mapped memory whose plain accesses fault through the kernel (a thread "
                + "waiting in such a fault holds off JVM safepoints: a collection meanwhile stalls the JVM, so use a "
                + "collector that does not stop threads, such as Epsilon, or keep such accesses few)",
                options = {@Option(label = "sim", value = "sim"), @Option(label = "userfaultfd", value = "userfaultfd")})
        String fault_path() default "sim";
    }

    // Joining opens TCP ports and talks to other JVMs, so it waits for the first use of the service
    // rather than happening in every runtime that merely has this bundle installed.
    private volatile DsmNode node;
    private volatile Config config;

    @Activate
    void activate(Config configuration) {
        config = configuration;
    }

    @Modified
    synchronized void modified(Config configuration) {
        DsmNode old = node;
        node = null;
        config = configuration;
        if (old != null) {
            old.close();
        }
    }

    @Deactivate
    synchronized void deactivate() {
        DsmNode old = node;
        node = null;
        if (old != null) {
            old.close();
        }
    }

    /** This JVM's node, joining the cluster on first use. */
    private DsmNode node() {
        DsmNode n = node;
        if (n == null) {
            synchronized (this) {
                n = node;
                if (n == null) {
                    n = join(config);
                    node = n;
                }
            }
        }
        return n;
    }

    static ClusterConfig clusterConfig(Config c) {
        return new ClusterConfig(c.cluster_name(), c.node_id(), ClusterConfig.Transport.TCP,
                ClusterConfig.loopback(c.bind_address()), c.bind_port(), c.port_range(),
                ClusterConfig.parseMembers(c.initial_members()), c.suspect_timeout_ms(), c.verify_timeout_ms(),
                c.rpc_timeout_ms());
    }

    private static DsmNode join(Config c) {
        FrameSource frames = "userfaultfd".equals(c.fault_path()) ? UserfaultFrames.source() : FrameSource.HEAP;
        return DsmNode.join(clusterConfig(c), frames, DsmComponent.class.getClassLoader());
    }

    @Override
    public int localNode() {
        return node().localNode();
    }

    @Override
    public List<NodeInfo> members() {
        return node().members();
    }

    @Override
    public DsmRegion region(String name, long size) {
        return node().region(name, size);
    }

    @Override
    public DsmRegion region(String name) {
        return node().region(name);
    }

    @Override
    public long start(Class<? extends MigratableTask> type, byte[] initialState, int n) {
        return node().start(type, initialState, n);
    }

    @Override
    public void migrate(long task, int n) {
        node().migrate(task, n);
    }

    @Override
    public List<TaskInfo> tasks() {
        return node().tasks();
    }
}

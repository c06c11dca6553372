package org.aepdsm.dsm.coherence;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.aepdsm.dsm.Await;
import org.aepdsm.dsm.cluster.ClusterConfig;

/** Several DSM nodes in this JVM over JGroups' shared loopback, with ids 1..n; node 1 joins first. */
final class LoopbackNodes implements AutoCloseable {
    private static final AtomicInteger CLUSTERS = new AtomicInteger();
    final List<DsmNode> nodes = new ArrayList<>();

    LoopbackNodes(int n) {
        String cluster = "dsm-test-" + ProcessHandle.current().pid() + "-" + CLUSTERS.incrementAndGet();
        for (int i = 1; i <= n; i++) {
            nodes.add(DsmNode.join(ClusterConfig.sharedLoopback(cluster, i)));
        }
        for (DsmNode node : nodes) {
            Await.until("node " + node.localNode() + " to see " + n + " members", 20_000,
                    () -> node.liveNodes().size() == n, () -> "members " + node.liveNodes());
        }
    }

    DsmNode node(int id) {
        return nodes.get(id - 1);
    }

    /** Node {@code id} leaves; the others wait until their view drops it. */
    void leave(int id) {
        node(id).close();
        for (DsmNode other : nodes) {
            if (other.localNode() != id && !other.liveNodes().isEmpty()) {
                Await.until("node " + other.localNode() + " to drop node " + id, 20_000,
                        () -> !other.liveNodes().contains(id), () -> "members " + other.liveNodes());
            }
        }
    }

    @Override
    public void close() {
        for (DsmNode node : nodes) {
            node.close();
        }
    }
}

package org.aepdsm.dsm.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.dsm.DsmRegion;
import org.aepdsm.api.dsm.TaskInfo;
import org.aepdsm.dsm.Await;
import org.aepdsm.dsm.cluster.ClusterConfig;
import org.aepdsm.dsm.coherence.DsmNode;
import org.junit.jupiter.api.Test;

/** Tasks moving between nodes with their state, and the migrate errors. */
class MigrationTest {
    private static DsmNode[] join(String cluster, int n) {
        DsmNode[] nodes = new DsmNode[n];
        for (int i = 0; i < n; i++) {
            nodes[i] = DsmNode.join(ClusterConfig.sharedLoopback(cluster, i + 1));
        }
        for (DsmNode node : nodes) {
            Await.until("3 members", 20_000, () -> node.liveNodes().size() == n);
        }
        return nodes;
    }

    private static TaskInfo info(DsmNode node, long id) {
        return node.tasks().stream().filter(t -> t.id() == id).findFirst().orElse(null);
    }

    @Test
    void aCounterTaskVisitsEveryNodeAndLosesNoIncrement() {
        DsmNode[] nodes = join("migrate-" + ProcessHandle.current().pid(), 3);
        try {
            DsmRegion counters = nodes[0].region("counters", 4096);
            int steps = 600;
            long id = nodes[0].start(CounterTask.class,
                    CounterTask.initialState("counters", 0, steps, 50, List.of(1, 2, 3)), 1);
            Await.until("the task to finish", 60_000, () -> {
                TaskInfo t = info(nodes[2], id);
                return t != null && t.done();
            }, () -> String.valueOf(nodes[2].tasks()));
            assertEquals(steps, counters.getLong(0));
            long sum = 0;
            for (int i = 1; i <= 3; i++) {
                long here = nodes[i - 1].region("counters").getLong(8L * i);
                assertTrue(here > 0, "the task ran on node " + i);
                sum += here;
            }
            assertEquals(steps, sum);
            assertTrue(info(nodes[0], id).migrations() >= 3, nodes[0].tasks().toString());
        } finally {
            for (DsmNode n : nodes) {
                n.close();
            }
        }
    }

    @Test
    void migrateNamesUnknownTasksUnknownNodesTheCurrentNodeAndDownNodes() {
        DsmNode[] nodes = join("migrate-errors-" + ProcessHandle.current().pid(), 3);
        try {
            nodes[0].region("slow", 4096);
            long id = nodes[0].start(CounterTask.class,
                    CounterTask.initialState("slow", 0, Integer.MAX_VALUE, Integer.MAX_VALUE, List.of(1)), 1);
            Await.until("node 2 to know the task", 10_000, () -> info(nodes[1], id) != null);
            AepException unknownTask = assertThrows(AepException.class, () -> nodes[1].migrate(12345, 2));
            assertEquals(Errno.ENOENT, unknownTask.errno());
            assertTrue(unknownTask.getMessage().contains("12345"), unknownTask.getMessage());
            AepException unknownNode = assertThrows(AepException.class, () -> nodes[1].migrate(id, 77));
            assertEquals(Errno.EINVAL, unknownNode.errno());
            assertTrue(unknownNode.getMessage().contains("node 77"), unknownNode.getMessage());
            AepException busy = assertThrows(AepException.class, () -> nodes[1].migrate(id, 1));
            assertEquals(Errno.EBUSY, busy.errno());
            nodes[2].close();
            Await.until("node 3 to leave", 20_000, () -> !nodes[1].liveNodes().contains(3));
            AepException down = assertThrows(AepException.class, () -> nodes[1].migrate(id, 3));
            assertEquals(Errno.EAGAIN, down.errno());

            nodes[1].migrate(id, 2);
            Await.until("the task to run on node 2", 20_000, () -> info(nodes[0], id).node() == 2);
            assertEquals(1, info(nodes[0], id).migrations());
            AepException start = assertThrows(AepException.class, () -> nodes[0].start(CounterTask.class,
                    CounterTask.initialState("slow", 0, 1, 1, List.of(1)), 3));
            assertEquals(Errno.EAGAIN, start.errno());
        } finally {
            for (DsmNode n : nodes) {
                n.close();
            }
        }
    }
}

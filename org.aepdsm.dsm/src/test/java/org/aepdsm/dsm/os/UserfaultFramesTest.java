package org.aepdsm.dsm.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Set;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.dsm.Await;
import org.aepdsm.dsm.cluster.ClusterConfig;
import org.aepdsm.dsm.coherence.DsmNode;
import org.aepdsm.dsm.coherence.Region;
import org.junit.jupiter.api.Test;

/**
 * Plain MemorySegment loads and stores on a region mapped with userfaultfd run the page protocol. Where
 * userfaultfd is unavailable, the test checks the error names why and the simulated path still works.
 */
class UserfaultFramesTest {
    private static final int PAGE = 4096;

    private static DsmNode[] join(String cluster, boolean uffd) {
        DsmNode[] nodes = new DsmNode[2];
        for (int i = 0; i < 2; i++) {
            nodes[i] = DsmNode.join(ClusterConfig.sharedLoopback(cluster, i + 1),
                    uffd ? UserfaultFrames.source() : org.aepdsm.dsm.coherence.FrameSource.HEAP,
                    UserfaultFramesTest.class.getClassLoader());
        }
        for (DsmNode n : nodes) {
            Await.until("2 members", 20_000, () -> n.liveNodes().size() == 2);
        }
        return nodes;
    }

    @Test
    void plainAccessesOnAMappedRegionFaultThroughTheProtocol() {
        String reason = UserfaultFrames.unavailableReason();
        if (reason != null) {
            unavailableIsNamedAndTheSimulatedPathWorks(reason);
            return;
        }
        DsmNode[] nodes = join("uffd-" + ProcessHandle.current().pid(), true);
        try {
            Region a = nodes[0].openRegion("mapped", 8L * PAGE);
            Region b = nodes[1].openRegion("mapped", 0);
            MemorySegment seg = b.segment();
            assertNotNull(seg, "a userfaultfd region exposes its memory");
            assertNotNull(a.segment());

            a.putLong(3L * PAGE, 4242);
            assertEquals(4242, seg.get(ValueLayout.JAVA_LONG, 3L * PAGE), "missing page read through the protocol");
            assertEquals(Set.of(1, 2), a.pageState(3).owners());

            seg.set(ValueLayout.JAVA_LONG, 3L * PAGE + 8, 77);
            assertEquals(2, a.pageState(3).writer(), "the write-protect fault took write ownership");
            assertEquals(1, b.stats().grantsReceived(), "granted without data: the read copy was valid");
            assertEquals(77, a.getLong(3L * PAGE + 8));
            assertEquals(4242, a.segment().get(ValueLayout.JAVA_LONG, 3L * PAGE), "origin's plain read");

            seg.set(ValueLayout.JAVA_LONG, 5L * PAGE, 5);
            assertEquals(Set.of(2), a.pageState(5).owners(), "a store to a missing page faults for write");
            assertEquals(5, a.getLong(5L * PAGE));

            a.putLong(3L * PAGE + 8, 78);
            assertEquals(78, seg.get(ValueLayout.JAVA_LONG, 3L * PAGE + 8), "an invalidated page faults again");
            assertEquals(79, b.addAndGet(3L * PAGE + 8, 1));
            assertEquals(79, a.segment().get(ValueLayout.JAVA_LONG, 3L * PAGE + 8));
        } finally {
            for (DsmNode n : nodes) {
                n.close();
            }
        }
    }

    private static void unavailableIsNamedAndTheSimulatedPathWorks(String reason) {
        assertTrue(reason.contains("userfaultfd") || reason.contains("write-protect"), reason);
        AepException e = assertThrows(AepException.class, Userfaultfd::open);
        assertEquals(Errno.EOPNOTSUPP, e.errno());
        DsmNode[] nodes = join("uffd-fallback-" + ProcessHandle.current().pid(), false);
        try {
            nodes[0].openRegion("sim", PAGE).putLong(0, 1);
            assertEquals(1, nodes[1].openRegion("sim", 0).getLong(0));
        } finally {
            for (DsmNode n : nodes) {
                n.close();
            }
        }
    }
}

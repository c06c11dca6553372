package org.aepdsm.dsm.coherence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.dsm.NodeInfo;
import org.junit.jupiter.api.Test;

/** What a node's departure does to the pages it held. */
class NodeLossTest {
    private static final int PAGE = 4096;

    @Test
    void pagesOnlyTheLeaverHeldAreLostAndTheOthersRecovered() {
        try (LoopbackNodes cluster = new LoopbackNodes(3)) {
            Region a = cluster.node(1).openRegion("loss", 4L * PAGE);
            Region b = cluster.node(2).openRegion("loss", 0);
            Region c = cluster.node(3).openRegion("loss", 0);
            a.putLong(0, 10);
            c.putLong(PAGE, 11);            // page 1: node 3 alone
            c.putLong(2 * PAGE, 12);
            assertEquals(12, b.getLong(2 * PAGE)); // page 2: nodes 3, 2 and the origin (which relayed it)
            c.putLong(3 * PAGE, 13);
            assertEquals(13, c.getLong(3 * PAGE));
            assertEquals(13, a.getLong(3 * PAGE)); // page 3: node 3 and the origin

            cluster.leave(3);

            NodeInfo gone = cluster.node(1).members().stream().filter(n -> n.id() == 3).findFirst().orElseThrow();
            assertFalse(gone.alive());
            assertTrue(a.pageState(1).lost());
            assertEquals(Set.of(), a.pageState(1).owners());
            assertEquals(1, cluster.node(1).lostPages("loss"));
            AepException eio = assertThrows(AepException.class, () -> b.getLong(PAGE));
            assertEquals(Errno.EIO, eio.errno());
            assertTrue(eio.getMessage().contains("page 1") && eio.getMessage().contains("'loss'"),
                    eio.getMessage());
            AepException write = assertThrows(AepException.class, () -> a.putLong(PAGE + 8, 1));
            assertEquals(Errno.EIO, write.errno());

            assertEquals(10, b.getLong(0));
            assertEquals(Set.of(1, 2), a.pageState(2).owners());
            assertEquals(12, a.getLong(2 * PAGE));
            assertEquals(Set.of(1, 2), a.pageState(2).owners());
            assertEquals(13, b.getLong(3 * PAGE));
            b.putLong(3 * PAGE, 14);
            assertEquals(14, a.getLong(3 * PAGE));
        }
    }

    @Test
    void anOriginThatLeftMakesItsPagesUnreachableWithANamedError() {
        try (LoopbackNodes cluster = new LoopbackNodes(2)) {
            cluster.node(2).openRegion("orphan", 2L * PAGE);
            Region a = cluster.node(1).openRegion("orphan", 0);
            assertEquals(2, a.origin());
            a.putLong(0, 5);
            cluster.leave(2);
            assertEquals(5, a.getLong(0), "a writable copy stays readable");
            AepException e = assertThrows(AepException.class, () -> a.getLong(PAGE));
            assertEquals(Errno.EIO, e.errno());
            assertTrue(e.getMessage().contains("origin node 2"), e.getMessage());
            assertEquals(Errno.EIO, assertThrows(AepException.class, () -> a.pageState(0)).errno());
        }
    }
}

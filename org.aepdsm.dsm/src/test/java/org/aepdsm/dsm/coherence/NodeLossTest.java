package org.aepdsm.dsm.coherence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.dsm.NodeInfo;
import org.aepdsm.api.dsm.PageState;
import org.aepdsm.dsm.Await;
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
            // The page turns lost before the node's worker adds it to the count it reports.
            Await.until("node 1 to count the lost page", 20_000, () -> cluster.node(1).lostPages("loss") == 1,
                    () -> "lost " + cluster.node(1).lostPages("loss"));
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
    void aSurvivorTakesARegionOverWhenItsOriginLeftAndLosesOnlyWhatTheOriginAloneHeld() {
        try (LoopbackNodes cluster = new LoopbackNodes(2)) {
            cluster.node(2).openRegion("orphan", 2L * PAGE);
            Region a = cluster.node(1).openRegion("orphan", 0);
            assertEquals(2, a.origin());
            a.putLong(0, 5);
            cluster.leave(2);
            Await.until("node 1 to take region 'orphan' over", 20_000, () -> a.origin() == 1,
                    () -> "origin " + a.origin());
            assertEquals(5, a.getLong(0), "a writable copy stays readable");
            a.putLong(0, 6);
            assertEquals(6, a.getLong(0));
            assertEquals(new PageState(0, Set.of(1), 1, false), a.pageState(0));
            AepException e = assertThrows(AepException.class, () -> a.getLong(PAGE));
            assertEquals(Errno.EIO, e.errno());
            assertTrue(e.getMessage().contains("page 1") && e.getMessage().contains("origin node 2")
                    && e.getMessage().contains("only copy"), e.getMessage());
            assertTrue(a.pageState(1).lost());
        }
    }

    @Test
    void theSurvivorsRebuildTheDirectoryOfADeadOriginFromTheirCopies() {
        try (LoopbackNodes cluster = new LoopbackNodes(3)) {
            Region a = cluster.node(1).openRegion("takeover", 4L * PAGE);
            Region b = cluster.node(2).openRegion("takeover", 0);
            Region c = cluster.node(3).openRegion("takeover", 0);
            a.putLong(0, 10);                  // page 0: the origin alone
            b.putLong(PAGE, 21);
            assertEquals(21, c.getLong(PAGE)); // page 1: shared by 2 and 3 (and the origin, which relayed it)
            c.putLong(2 * PAGE, 32);           // page 2: node 3 exclusive
            // page 3: never touched, so the origin holds its only (zero) copy
            assertEquals(Set.of(1, 2, 3), a.pageState(1).owners());
            assertEquals(new PageState(2, Set.of(3), 3, false), a.pageState(2));

            cluster.leave(1);
            // nodes joined in id order, so node 2 coordinates the view without node 1 and takes over
            Await.until("both survivors to move the region to node 2", 20_000,
                    () -> b.origin() == 2 && c.origin() == 2, () -> "origins " + b.origin() + ", " + c.origin());

            assertEquals(21, b.getLong(PAGE), "a shared copy is still served");
            assertEquals(new PageState(1, Set.of(2, 3), -1, false), c.pageState(1));
            c.putLong(PAGE, 22);
            assertEquals(LocalPages.INVALID, b.localState(1), "the write invalidated node 2's copy");
            assertEquals(22, b.getLong(PAGE));
            assertEquals(new PageState(2, Set.of(3), 3, false), b.pageState(2));
            assertEquals(32, c.getLong(2 * PAGE));
            assertEquals(32, b.getLong(2 * PAGE));

            for (int page : new int[] {0, 3}) {
                AepException read = assertThrows(AepException.class, () -> b.getLong(page * PAGE));
                assertEquals(Errno.EIO, read.errno());
                assertTrue(read.getMessage().contains("page " + page + " of region 'takeover' is lost")
                        && read.getMessage().contains("origin node 1 died holding the only copy"), read.getMessage());
                AepException write = assertThrows(AepException.class, () -> c.putLong(page * PAGE, 1));
                assertEquals(Errno.EIO, write.errno());
                assertTrue(write.getMessage().contains("page " + page), write.getMessage());
                assertTrue(c.pageState(page).lost());
            }
            for (int page = 1; page <= 2; page++) {
                assertFalse(b.pageState(page).lost(), "page " + page);
            }
            Await.until("node 2 to count the lost pages", 20_000, () -> cluster.node(2).lostPages("takeover") == 2,
                    () -> "lost " + cluster.node(2).lostPages("takeover"));
            assertEquals(0, cluster.node(3).lostPages("takeover"));
            assertEquals(2, cluster.node(3).openRegion("takeover", 0).origin());
        }
    }
}

package org.aepdsm.dsm.coherence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;

import org.aepdsm.dsm.Await;
import org.junit.jupiter.api.Test;

/** One node's copy of a region: grant numbers, and the fetch that gives a copy up. */
class LocalPagesTest {
    private final LocalPages pages = new LocalPages(new HeapFrames(2L * LocalPages.PAGE_SIZE), 2,
            LocalPages.INVALID);

    @Test
    void aRequestNamingAGrantNotYetInPlaceWaitsForItsInstall() throws Exception {
        Thread[] waiter = new Thread[1];
        CompletableFuture<Byte> stateSeen = CompletableFuture.supplyAsync(() -> {
            waiter[0] = Thread.currentThread();
            assertTrue(pages.awaitGrant(1, 3, 60_000_000_000L));
            return pages.stateNow(1);
        });
        Await.until("the request to wait for grant 3", 20_000,
                () -> waiter[0] != null && waiter[0].getState() == Thread.State.TIMED_WAITING);
        assertFalse(stateSeen.isDone(), "nothing was installed yet");
        pages.install(1, new byte[LocalPages.PAGE_SIZE], 0, false, 2);
        pages.install(1, new byte[LocalPages.PAGE_SIZE], 0, false, 3);
        assertEquals(LocalPages.SHARED, stateSeen.get(), "it went on only once grant 3 was in place");
    }

    @Test
    void anEarlierOrEqualGrantIsInPlaceAtOnceAndNumbersWrapAround() {
        pages.install(0, new byte[LocalPages.PAGE_SIZE], 0, false, Integer.MAX_VALUE);
        assertTrue(pages.awaitGrant(0, Integer.MAX_VALUE - 5, 0));
        assertTrue(pages.awaitGrant(0, Integer.MAX_VALUE, 0));
        assertFalse(pages.awaitGrant(0, Integer.MIN_VALUE, 1_000_000L), "the grant after MAX_VALUE is later");
        pages.upgrade(0, Integer.MIN_VALUE);
        assertTrue(pages.awaitGrant(0, Integer.MIN_VALUE, 0));
    }

    @Test
    void aDropFetchCopiesThePageOutAndGivesItUp() {
        byte[] data = new byte[LocalPages.PAGE_SIZE];
        data[7] = 42;
        pages.install(0, data, 0, true, 1);
        byte[] out = pages.fetch(0, FetchMode.DROP);
        assertEquals(42, out[7]);
        assertEquals(LocalPages.INVALID, pages.stateNow(0));
        assertEquals(null, pages.fetch(0, FetchMode.KEEP), "no copy is left to fetch");
    }
}

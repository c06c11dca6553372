package org.aepdsm.allocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.api.ownership.GlobalRef;
import org.aepdsm.api.ownership.ObjectInfo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EntryOperationsTest extends PoolFixture {
    @BeforeEach
    void setUp() {
        open();
    }

    @Test
    void mallocReturnsAnAlignedHandleWithGenerationTagAndWritableBytes() {
        long h = mallocOk(1, 100);
        assertNotEquals(0, h);
        assertEquals(0, off(h) % 8);
        assertTrue(off(h) >= a.layout().dataStart());
        fill(h, 100, 7);
        assertFilled(h, 100, 7);
        ObjectInfo info = a.describe(h).orElseThrow();
        assertEquals(1, info.owner());
        assertEquals(0, info.node());
        assertTrue(info.size() >= 100);
        assertEquals(1, count());
        assertEquals(0, free(1, h));
        assertEquals(0, count());
    }

    @Test
    void embeddedReferenceSlotsAreZeroed() {
        long h = mallocOk(1, 64);
        fill(h, 64, 3);
        assertEquals(0, free(1, h));
        long again = mallocOk(1, 64, 4);
        assertEquals(off(h), off(again), "the freed block is reused first");
        assertNotEquals(GlobalRef.tagOf(h), GlobalRef.tagOf(again), "reuse moves the generation on");
        for (int k = 0; k < 4; k++) {
            assertEquals(0, word(off(again) + 8L * k));
        }
        assertEquals(0, free(1, again));
    }

    @Test
    void linkStoresTheTargetAndCountsItUnlinkClearsAndUncounts() {
        long parent = mallocOk(1, 48, 2);
        long child = mallocOk(1, 48);
        long slot = parent + 8;
        assertEquals(0, link(1, slot, child));
        assertEquals(child, word(off(slot)));
        assertEquals(1, a.describe(child).orElseThrow().references());
        assertEquals(EBUSY, free(1, child), "a referenced object cannot be freed");
        assertEquals(0, unlink(1, slot, child));
        assertEquals(0, word(off(slot)));
        assertEquals(0, a.describe(child).orElseThrow().references());
        assertEquals(0, free(1, child));
        assertEquals(0, free(1, parent));
    }

    @Test
    void crossNodeLinkCountsOnTheRemoteLevel() {
        long target = mallocOk(1, 32);
        long holder = mallocOk(25, 32, 1);
        assertEquals(0, link(25, holder, target));
        ObjectInfo info = a.describe(target).orElseThrow();
        assertEquals(1, info.references());
        long header = word(off(target) - 8);
        assertEquals(1, ObjectHeader.remote(header));
        assertEquals(0, ObjectHeader.local(header));
        assertEquals(0, unlink(25, holder, target));
        assertEquals(0, free(25, holder));
        assertEquals(0, free(1, target));
    }

    @Test
    void sendAndRecvMoveOwnershipWithinANode() {
        long h = mallocOk(1, 64);
        fill(h, 64, 11);
        assertEquals(1, send(1, 2, h));
        ObjectInfo inFlight = a.describe(h).orElseThrow();
        assertTrue(inFlight.inFlight());
        assertEquals(-1, inFlight.owner());
        assertEquals(EPERM, free(1, h), "the sender no longer owns it");
        assertEquals(h, recv(2, 1));
        assertEquals(2, a.describe(h).orElseThrow().owner());
        assertFilled(h, 64, 11);
        assertEquals(EAGAIN, recv(2, ShadowEntry.ANY_SENDER));
        assertEquals(0, free(2, h), "the receiver frees through the remote path");
        assertEquals(0, count());
    }

    @Test
    void blocksFreedByOtherClientsReturnToTheCarversSpan() {
        int cls = SizeClasses.classOf(64);
        int n = SizeClasses.capacity(cls);
        long[] hs = new long[n];
        for (int i = 0; i < n; i++) {
            hs[i] = mallocOk(1, 64);
            assertEquals(1, send(1, 2, hs[i]));
            assertEquals(hs[i], recv(2, 1));
            assertEquals(0, free(2, hs[i]));
        }
        long pages = a.stats().pagesInUse();
        for (int i = 0; i < n; i++) {
            long h = mallocOk(1, 64);
            assertTrue(off(h) >= off(hs[0]) && off(h) <= off(hs[n - 1]), "reused from the remote stack");
        }
        assertEquals(pages, a.stats().pagesInUse(), "no new span was carved");
        assertEquals(n, recover(1));
    }

    @Test
    void sendAndRecvCrossNodesThroughTheNodeMailbox() {
        long h = mallocOk(3, 200);
        fill(h, 200, 5);
        assertEquals(1, send(3, 30, h));
        assertEquals(1, a.mailbox().depth(a.layout().nodeRing(1)));
        assertEquals(EAGAIN, recv(31, ShadowEntry.ANY_SENDER), "another client of the node sees nothing");
        assertEquals(EAGAIN, recv(30, 4), "a message from client 3 is not one from client 4");
        assertEquals(h, recv(30, 3));
        assertFilled(h, 200, 5);
        assertEquals(1, send(30, 3, h));
        assertEquals(h, recv(3, ShadowEntry.ANY_SENDER));
        assertEquals(0, free(3, h));
    }

    @Test
    void recvFromASenderSkipsOlderMessagesOfOthers() {
        long x = mallocOk(1, 16);
        long y = mallocOk(3, 16);
        assertEquals(1, send(1, 2, x));
        assertEquals(1, send(3, 2, y));
        assertEquals(y, recv(2, 3));
        assertEquals(x, recv(2, ShadowEntry.ANY_SENDER));
        assertEquals(0, free(2, x));
        assertEquals(0, free(2, y));
    }

    @Test
    void countAndPrintBitmapReportLiveBlocks() {
        long[] hs = new long[10];
        for (int i = 0; i < hs.length; i++) {
            hs[i] = mallocOk(i % 3, 24 + 100 * i);
        }
        assertEquals(10, count());
        assertEquals(10, a.call(ShadowEntry.PRINT_BITMAP, 0, 0, 0, 0));
        String text = printed.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("segment"), text);
        assertTrue(text.contains("allocated blocks: 10"), text);
        for (long h : hs) {
            assertEquals(0, free((int) a.describe(h).orElseThrow().owner(), h));
        }
        assertEquals(0, count());
    }

    @Test
    void recoverReclaimsUnreferencedObjectsOfADeadClientOnly() {
        long kept = mallocOk(5, 64);
        long dropped = mallocOk(5, 64);
        long holder = mallocOk(6, 64, 1);
        long sent = mallocOk(5, 64);
        assertEquals(0, link(6, holder, kept));
        assertEquals(1, send(5, 7, sent));
        long other = mallocOk(8, 64);
        assertEquals(1, recover(5), "only the unreferenced, not-in-flight object goes");
        assertTrue(a.describe(dropped).isEmpty());
        assertEquals(5, a.describe(kept).orElseThrow().owner());
        assertTrue(a.describe(sent).orElseThrow().inFlight());
        assertEquals(sent, recv(7, 5));
        assertEquals(0, unlink(6, holder, kept));
        assertEquals(0, free(7, sent));
        assertEquals(3, recover(ShadowEntry.RECOVER_ALL), "kept, holder and other");
        assertEquals(0, count());
        assertTrue(a.describe(other).isEmpty());
    }

    @Test
    void pageRunsAllocateRoundTripAndFree() {
        long h = mallocOk(2, 3L << 20);
        assertEquals(0, off(h) % PoolLayout.PAGE, "a run starts on a page");
        fill(h, 3L << 20, 9);
        assertFilled(h, 3L << 20, 9);
        assertEquals(3L << 20, a.describe(h).orElseThrow().size());
        assertEquals(1, send(2, 22, h));
        assertEquals(h, recv(22, 2));
        assertEquals(0, free(22, h));
        assertEquals(ESTALE, free(22, h));
    }

    @Test
    void ownedByListsAClientsObjects() {
        long a1 = mallocOk(4, 10);
        long a2 = mallocOk(4, 5000);
        mallocOk(9, 10);
        var owned = a.ownedBy(4);
        assertEquals(2, owned.size());
        assertTrue(owned.stream().anyMatch(i -> i.ref().value() == a1));
        assertTrue(owned.stream().anyMatch(i -> i.ref().value() == a2));
        assertEquals(3, recover(ShadowEntry.RECOVER_ALL));
    }
}

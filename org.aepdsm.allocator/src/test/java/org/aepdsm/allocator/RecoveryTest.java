package org.aepdsm.allocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.LongSupplier;

import org.aepdsm.api.entry.ShadowEntry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A client stopped at any crash point is made consistent again by RECOVER. */
class RecoveryTest extends PoolFixture {
    /** What a test throws to stop the allocator as if the client's process died. */
    static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedCrash(CrashPoint point) {
            super("crash at " + point, null, false, false);
        }
    }

    private CrashPoint armed;

    @BeforeEach
    void setUp() {
        open(64, 2, 4, 16);
        a.crashInjector((point, client) -> {
            if (point == armed) {
                armed = null;
                throw new SimulatedCrash(point);
            }
        });
    }

    private void crashAt(CrashPoint point, LongSupplier op) {
        armed = point;
        assertThrows(SimulatedCrash.class, op::getAsLong, "the op passes " + point);
        assertFalse(new ConsistencyChecker(a).check().clean(), "the crash leaves a pending record");
    }

    private long received(int client, long source) {
        long h = recv(client, source);
        assertTrue(h > 0, "recv returned " + h);
        return h;
    }

    /**
     * Client 1 sends to {@code receiver} (on its node: the receiver's own ring; on the other node: that node's
     * ring), the receiver dies after claiming the message, and RECOVER gives the object to it and reclaims it;
     * the ring then delivers the next message.
     */
    private void receiverDiesAfterClaim(CrashPoint point, int receiver) {
        long h = mallocOk(1, 64);
        assertEquals(1, send(1, receiver, h));
        crashAt(point, () -> recv(receiver, 1));
        assertEquals(1, recover(receiver), "the received object belonged to the dead receiver " + receiver);
        long x = mallocOk(1, 64);
        assertEquals(1, send(1, receiver, x));
        assertEquals(x, received(receiver, ShadowEntry.ANY_SENDER), "the ring of receiver " + receiver + " moved on");
    }

    @ParameterizedTest
    @EnumSource(CrashPoint.class)
    void recoverCompletesOrUndoesTheInterruptedOperation(CrashPoint point) {
        long bystander = mallocOk(5, 100);
        fill(bystander, 100, 42);
        switch (point) {
            case MALLOC_COMMITTED -> {
                mallocOk(1, 64);
                crashAt(point, () -> malloc(1, 64));
                assertEquals(2, recover(1), "the completed allocation and the earlier one are reclaimed");
            }
            case FREE_COMMITTED -> {
                long h = mallocOk(1, 64);
                crashAt(point, () -> free(1, h));
                assertEquals(0, recover(1));
                assertTrue(a.describe(h).isEmpty(), "the free was completed");
            }
            case REMOTE_FREE_MARKED -> {
                long h = mallocOk(1, 64);
                assertEquals(1, send(1, 2, h));
                assertEquals(h, received(2, 1));
                crashAt(point, () -> free(2, h));
                assertEquals(0, recover(2));
                assertTrue(a.describe(h).isEmpty());
            }
            case CARVE_COMMITTED -> {
                crashAt(point, () -> malloc(3, 64));
                assertEquals(0, recover(3));
                long h = mallocOk(3, 64);
                assertEquals(0, free(3, h));
                crashAt(point, () -> malloc(3, 1 << 20));
                assertEquals(1, recover(3), "the carved run was allocated, then reclaimed");
            }
            case RELEASE_COMMITTED -> {
                int cls = SizeClasses.classOf(64);
                int n = SizeClasses.capacity(cls);
                long[] first = new long[n];
                for (int i = 0; i < n; i++) {
                    first[i] = mallocOk(1, 64);
                }
                long second = mallocOk(1, 64);
                for (int i = 0; i < n - 1; i++) {
                    assertEquals(0, free(1, first[i]));
                }
                crashAt(point, () -> free(1, first[n - 1]));
                assertEquals(1, recover(1), "the object in the second span is reclaimed");
                assertTrue(a.describe(second).isEmpty());
                long run = mallocOk(1, 1 << 20);
                crashAt(point, () -> free(1, run));
                assertEquals(0, recover(1));
            }
            case COLLECT_COMMITTED -> {
                int cls = SizeClasses.classOf(64);
                int n = SizeClasses.capacity(cls);
                for (int i = 0; i < n; i++) {
                    long h = mallocOk(1, 64);
                    assertEquals(1, send(1, 2, h));
                    assertEquals(h, received(2, 1));
                    assertEquals(0, free(2, h));
                }
                crashAt(point, () -> malloc(1, 64));
                assertEquals(0, recover(1));
                assertEquals(1, count(), "only the bystander lives");
            }
            case SEND_RESERVED, SEND_MARKED -> {
                long h = mallocOk(1, 64);
                crashAt(point, () -> send(1, 2, h));
                assertEquals(0, recover(1));
                assertEquals(h, received(2, 1), "the message was delivered");
                long x = mallocOk(1, 64);
                crashAt(point, () -> send(1, 6, x));
                assertEquals(0, recover(1));
                assertEquals(x, received(6, 1), "the cross-node message was delivered");
            }
            case RECV_CLAIMED -> {
                receiverDiesAfterClaim(point, 2);
                receiverDiesAfterClaim(point, 6);
            }
            case LINK_COMMITTED -> {
                long holder = mallocOk(6, 64, 1);
                long target = mallocOk(7, 64);
                crashAt(point, () -> link(6, holder, target));
                assertEquals(1, recover(6), "the holder is reclaimed");
                assertEquals(target, word(off(holder)), "the slot was written by replay");
                assertEquals(1, a.describe(target).orElseThrow().references(), "the count was raised once");
            }
            case UNLINK_COMMITTED -> {
                long holder = mallocOk(6, 64, 1);
                long target = mallocOk(6, 64);
                assertEquals(0, link(6, holder, target));
                crashAt(point, () -> unlink(6, holder, target));
                assertEquals(2, recover(6), "both are unreferenced once the unlink completed");
                assertEquals(0, word(off(holder)));
            }
        }
        assertFilled(bystander, 100, 42);
        assertClean();
    }

    @Test
    void recoverCompletesAMallocFromTheFreeListAndKeepsTheRestOfTheList() {
        long[] h = new long[4];
        for (int i = 0; i < h.length; i++) {
            h[i] = mallocOk(1, 64);
        }
        assertEquals(0, free(1, h[2]));
        assertEquals(0, free(1, h[1]));
        crashAt(CrashPoint.MALLOC_COMMITTED, () -> malloc(1, 64));
        assertEquals(3, recover(1), "the two survivors and the interrupted allocation are reclaimed");
        assertClean();
        java.util.Set<Long> before = new java.util.HashSet<>();
        java.util.Set<Long> after = new java.util.HashSet<>();
        for (int i = 0; i < h.length; i++) {
            before.add(off(h[i]));
            after.add(off(mallocOk(1, 64)));
        }
        assertEquals(before, after, "the free list still holds every block, the one behind the taken one too");
    }

    @Test
    void recoverCompletesAFreeWhoseHeaderWasWritten() {
        long keep = mallocOk(1, 64);
        long h = mallocOk(1, 64);
        long hdr = off(h) - SizeClasses.HEADER_BYTES;
        crashAt(CrashPoint.FREE_COMMITTED, () -> free(1, h));
        long live = word(hdr);
        // The state a death between FREE's two stores leaves: the header freed, the span's free list not yet.
        putWord(hdr, ObjectHeader.free(ObjectHeader.gen(live) + 1, ObjectHeader.cls(live), ObjectHeader.FREE,
                ObjectHeader.NIL));
        assertEquals(1, recover(1), "the free is completed; the other object is reclaimed");
        assertTrue(a.describe(h).isEmpty());
        assertTrue(a.describe(keep).isEmpty());
        assertEquals(0, count());
        assertClean();
        assertEquals(off(keep), off(mallocOk(1, 64)), "the span's free list holds both blocks");
        assertEquals(off(h), off(mallocOk(1, 64)));
    }

    @Test
    void recoverAllReclaimsEveryClientAndIsIdempotent() {
        for (int c = 0; c < 8; c++) {
            mallocOk(c, 10 + c);
        }
        long sent = mallocOk(0, 10);
        assertEquals(1, send(0, 1, sent));
        assertEquals(8, recover(ShadowEntry.RECOVER_ALL));
        assertEquals(0, recover(ShadowEntry.RECOVER_ALL));
        assertEquals(sent, received(1, 0));
        assertEquals(1, recover(1));
        assertEquals(0, count());
    }
}

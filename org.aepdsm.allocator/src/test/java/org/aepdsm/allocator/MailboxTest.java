package org.aepdsm.allocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.aepdsm.api.entry.ShadowEntry;
import org.junit.jupiter.api.Test;

/** Bounded rings: full answers EAGAIN, and no message is lost or duplicated when the slots wrap. */
class MailboxTest extends PoolFixture {
    private static final int SLOTS = 8;

    @Test
    void aFullRingAnswersEagainAndDrainsInOrder() {
        open(64, 2, 4, SLOTS);
        List<Long> sent = new ArrayList<>();
        for (int i = 0; i < SLOTS; i++) {
            long h = mallocOk(1, 16);
            assertEquals(1, send(1, 2, h));
            sent.add(h);
        }
        long extra = mallocOk(1, 16);
        assertEquals(EAGAIN, send(1, 2, extra));
        assertEquals(1, a.describe(extra).orElseThrow().owner(), "a refused send keeps the owner");
        assertClean();
        for (long h : sent) {
            assertEquals(h, recv(2, ShadowEntry.ANY_SENDER));
        }
        assertEquals(EAGAIN, recv(2, ShadowEntry.ANY_SENDER));
        assertEquals(1, send(1, 2, extra));
        assertEquals(extra, recv(2, 1));
    }

    @Test
    void selectiveReceiveLeavesOlderMessagesAndTheRingRecovers() {
        open(64, 2, 4, SLOTS);
        long first = mallocOk(0, 16);
        assertEquals(1, send(0, 2, first));
        for (int round = 0; round < 3 * SLOTS; round++) {
            long h = mallocOk(1, 16);
            long rc = send(1, 2, h);
            if (rc == EAGAIN) {
                assertEquals(first, recv(2, 0), "the blocking oldest message is still there");
                assertEquals(1, send(1, 2, h));
                first = 0;
            }
            assertEquals(h, recv(2, 1));
            assertEquals(0, free(2, h));
        }
        assertEquals(0, first, "the ring filled up behind the oldest message");
    }

    @Test
    void manyMoreMessagesThanSlotsArriveExactlyOnceInOrderWithAConsumer() throws Exception {
        open(64, 2, 4, SLOTS);
        for (int[] pair : new int[][] {{1, 2}, {1, 6}}) {
            int src = pair[0];
            int dst = pair[1];
            int total = 20_000;
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Long> received = new ArrayList<>(total);
            Thread consumer = new Thread(() -> {
                try {
                    while (received.size() < total) {
                        long h = recv(dst, src);
                        if (h > 0) {
                            received.add(h);
                        } else {
                            assertEquals(EAGAIN, h);
                            Thread.onSpinWait();
                        }
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            consumer.start();
            List<Long> sent = new ArrayList<>(total);
            for (int i = 0; i < total && failure.get() == null; i++) {
                long h = mallocOk(src, 24);
                putWord(off(h), i);
                long rc;
                while ((rc = send(src, dst, h)) == EAGAIN) {
                    Thread.onSpinWait();
                }
                assertEquals(1, rc);
                sent.add(h);
            }
            consumer.join(60_000);
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            assertEquals(sent, received, src + " -> " + dst + ": every message once, in order");
            Set<Long> unique = new HashSet<>(received);
            assertEquals(total, unique.size());
            for (int i = 0; i < total; i++) {
                assertEquals(i, word(off(received.get(i))));
                assertEquals(0, free(dst, received.get(i)));
            }
            assertClean();
        }
    }

    @Test
    void concurrentSendersToOneReceiverLoseNothing() throws Exception {
        open(64, 2, 4, SLOTS);
        int perSender = 5_000;
        int[] senders = {0, 1, 4, 5};
        Set<Long> received = new HashSet<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        List<Set<Long>> sent = new ArrayList<>();
        for (int s : senders) {
            Set<Long> mine = new HashSet<>();
            sent.add(mine);
            threads.add(new Thread(() -> {
                try {
                    for (int i = 0; i < perSender; i++) {
                        long h = malloc(s, 16);
                        assertTrue(h > 0);
                        while (send(s, 2, h) == EAGAIN) {
                            Thread.onSpinWait();
                        }
                        mine.add(h);
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }));
        }
        threads.forEach(Thread::start);
        int expected = perSender * senders.length;
        while (received.size() < expected && failure.get() == null) {
            long h = recv(2, ShadowEntry.ANY_SENDER);
            if (h > 0) {
                assertTrue(received.add(h), "duplicate " + h);
                assertEquals(0, free(2, h));
            } else {
                Thread.onSpinWait();
            }
        }
        for (Thread t : threads) {
            t.join(60_000);
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertEquals(expected, received.size());
        Set<Long> all = new HashSet<>();
        sent.forEach(all::addAll);
        assertEquals(all, received, "exactly the handles sent arrived");
        assertEquals(0, count());
    }
}

package org.aepdsm.dsm.coherence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.Lock;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.dsm.PageState;
import org.aepdsm.dsm.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The page protocol between three nodes in one JVM (JGroups shared loopback). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProtocolTest {
    private static final int PAGE = 4096;
    private LoopbackNodes cluster;
    private int regions;

    @BeforeAll
    void join() {
        cluster = new LoopbackNodes(3);
    }

    @AfterAll
    void leave() {
        cluster.close();
    }

    /** A fresh region with node 1 as origin, opened on all three nodes. */
    private Region[] region(int pages) {
        String name = "r" + (++regions);
        Region a = cluster.node(1).openRegion(name, (long) pages * PAGE);
        return new Region[] {a, cluster.node(2).openRegion(name, 0), cluster.node(3).openRegion(name, 0)};
    }

    @Test
    void readFaultFetchesACopyAndTheOriginKeepsOne() {
        Region[] r = region(2);
        r[0].putLong(8, 42);
        assertEquals(42, r[1].getLong(8));
        PageState s = r[2].pageState(0);
        assertEquals(Set.of(1, 2), s.owners());
        assertEquals(-1, s.writer());
        assertEquals(1, r[1].stats().dataReceived());
        assertEquals(LocalPages.SHARED, r[1].localState(0));
        assertEquals(LocalPages.SHARED, r[0].localState(0));
    }

    @Test
    void writeFaultInvalidatesEveryOtherCopyFirst() {
        Region[] r = region(1);
        r[0].putLong(0, 1);
        assertEquals(1, r[1].getLong(0));
        assertEquals(1, r[2].getLong(0));
        long sentBefore = r[0].stats().invalidationsSent();
        r[2].putLong(0, 2);
        PageState s = r[0].pageState(0);
        assertEquals(Set.of(3), s.owners());
        assertEquals(3, s.writer());
        // node 2 by message; the origin dropped its own copy locally
        assertEquals(1, r[0].stats().invalidationsSent() - sentBefore);
        assertEquals(1, r[1].stats().invalidationsReceived());
        assertEquals(LocalPages.INVALID, r[0].localState(0));
        assertEquals(LocalPages.INVALID, r[1].localState(0));
        assertEquals(2, r[0].getLong(0));
        assertEquals(2, r[1].getLong(0));
    }

    @Test
    void writeOnAValidReadCopyIsGrantedWithoutData() {
        Region[] r = region(1);
        r[0].putLong(16, 7);
        assertEquals(7, r[1].getLong(16));
        r[1].putLong(16, 8);
        RegionStats b = r[1].stats();
        assertEquals(1, b.dataReceived(), "only the read carried data");
        assertEquals(1, b.grantsReceived());
        assertEquals(1, r[0].stats().grantsWithoutData());
        assertEquals(LocalPages.EXCLUSIVE, r[1].localState(0));
        assertEquals(8, r[2].getLong(16));
    }

    @Test
    void concurrentFaultsOnOnePageAreCoalescedIntoOneRequest() throws Exception {
        Region[] r = region(1);
        r[2].putLong(0, 99);
        // node 3 holds the page writable; holding its stripe keeps the origin's fetch waiting there
        Lock stripe = r[2].localPages().readLock(0);
        stripe.lock();
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Long>> reads = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                reads.add(pool.submit(() -> r[1].getLong(0)));
            }
            Await.until("7 readers to join the first one's fault", 10_000,
                    () -> r[1].stats().coalesced() == threads - 1, () -> r[1].stats().toString());
        } finally {
            stripe.unlock();
        }
        for (Future<Long> f : reads) {
            assertEquals(99, f.get());
        }
        pool.shutdown();
        assertEquals(1, r[1].stats().faults());
        assertEquals(1, r[1].stats().dataReceived());
    }

    @Test
    void addAndGetFromAllNodesLosesNoUpdate() throws Exception {
        Region[] r = region(2);
        int perThread = 300;
        int threadsPerNode = 3;
        ExecutorService pool = Executors.newFixedThreadPool(9);
        List<Future<?>> work = new ArrayList<>();
        for (Region region : r) {
            for (int t = 0; t < threadsPerNode; t++) {
                work.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        region.addAndGet(PAGE + 8, 1);
                    }
                }));
            }
        }
        for (Future<?> f : work) {
            f.get();
        }
        pool.shutdown();
        for (Region region : r) {
            assertEquals(3L * threadsPerNode * perThread, region.getLong(PAGE + 8));
        }
    }

    @Test
    void regionsAreFoundByNameAndCheckTheirArguments() {
        Region[] r = region(1);
        assertEquals(r[0].name(), cluster.node(3).region(r[0].name()).name());
        assertEquals(1, cluster.node(2).region(r[0].name()).origin());
        AepException noSuch = assertThrows(AepException.class, () -> cluster.node(2).region("no-such-region"));
        assertEquals(Errno.ENOENT, noSuch.errno());
        AepException size = assertThrows(AepException.class, () -> cluster.node(2).region(r[0].name(), 8192));
        assertEquals(Errno.EINVAL, size.errno());
        assertTrue(size.getMessage().contains("8192"), size.getMessage());
        AepException odd = assertThrows(AepException.class, () -> cluster.node(2).region("odd", 100));
        assertEquals(Errno.EINVAL, odd.errno());
        AepException out = assertThrows(AepException.class, () -> r[1].getLong(4096));
        assertEquals(Errno.EINVAL, out.errno());
        AepException unaligned = assertThrows(AepException.class, () -> r[1].putLong(4, 1));
        assertEquals(Errno.EINVAL, unaligned.errno());
        assertTrue(unaligned.getMessage().contains("0x4"), unaligned.getMessage());
        assertNull(r[1].segment(), "the simulated path has no faulting segment");
    }

    @Test
    void sequentialWritesFromAlternatingNodesAreSeenEverywhere() {
        Region[] r = region(4);
        for (int i = 1; i <= 60; i++) {
            Region writer = r[i % 3];
            writer.putLong((i % 4) * (long) PAGE, i);
            for (Region reader : r) {
                assertEquals(i, reader.getLong((i % 4) * (long) PAGE), "write " + i);
            }
        }
        assertFalse(r[0].pageState(1).lost());
    }

    @Test
    void aReadOfAPageAThirdNodeHoldsIsRelayedByTheOriginWhichKeepsACopy() {
        Region[] r = region(1);
        r[2].putLong(24, 77);
        long fetchesBefore = r[2].stats().fetchesServed();
        assertEquals(77, r[1].getLong(24));
        assertEquals(1, r[2].stats().fetchesServed() - fetchesBefore, "node 3 served the data");
        assertEquals(1, r[1].stats().dataReceived());
        assertEquals(LocalPages.SHARED, r[0].localState(0), "the origin kept a copy of what it relayed");
        assertEquals(LocalPages.SHARED, r[2].localState(0), "the writer downgraded");
        PageState s = r[0].pageState(0);
        assertEquals(Set.of(1, 2, 3), s.owners());
        assertEquals(-1, s.writer());
        r[0].putLong(24, 78);
        assertEquals(78, r[1].getLong(24));
        assertEquals(78, r[2].getLong(24));
    }

    @Test
    void theOriginsWriteToAPageOnlyAnotherNodeHoldsTakesThatCopyAway() {
        Region[] r = region(1);
        r[2].putLong(0, 9);
        long invalidationsBefore = r[0].stats().invalidationsSent();
        r[0].putLong(8, 10);
        assertEquals(LocalPages.EXCLUSIVE, r[0].localState(0));
        assertEquals(LocalPages.INVALID, r[2].localState(0), "node 3 gave its only copy up");
        assertEquals(invalidationsBefore, r[0].stats().invalidationsSent(), "no invalidation after the fetch");
        PageState s = r[0].pageState(0);
        assertEquals(Set.of(1), s.owners());
        assertEquals(1, s.writer());
        assertEquals(9, r[0].getLong(0), "node 3's write travelled with the page");
        assertEquals(10, r[2].getLong(8));
    }

    @Test
    void aWriteToAPageOnlyAThirdNodeHoldsTakesThatCopyThroughTheOrigin() {
        Region[] r = region(1);
        r[2].putLong(0, 5);
        long invalidationsBefore = r[0].stats().invalidationsSent();
        r[1].putLong(8, 6);
        assertEquals(LocalPages.EXCLUSIVE, r[1].localState(0));
        assertEquals(LocalPages.INVALID, r[2].localState(0), "node 3 gave its only copy up");
        assertEquals(LocalPages.INVALID, r[0].localState(0), "the origin kept no copy of a written page");
        assertEquals(invalidationsBefore, r[0].stats().invalidationsSent(), "no invalidation after the fetch");
        PageState s = r[0].pageState(0);
        assertEquals(Set.of(2), s.owners());
        assertEquals(2, s.writer());
        assertEquals(5, r[0].getLong(0), "node 3's write travelled with the page");
        assertEquals(6, r[2].getLong(8));
    }

    @Test
    void anInvalidationThatOvertakesTheGrantItFollowsWaitsForIt() throws Exception {
        Region[] r = region(1);
        long dropsBefore = r[1].stats().invalidationsReceived();
        // the invalidation the origin would send after its next grant of page 0 to node 2 (grant 1)
        java.util.concurrent.atomic.AtomicReference<byte[]> ack = new java.util.concurrent.atomic.AtomicReference<>();
        Thread invalidation = Thread.ofPlatform().start(() -> r[1].answerInvalidate(99, 0, 1, ack::set));
        Await.until("the invalidation to wait for grant 1", 20_000,
                () -> invalidation.getState() == Thread.State.TIMED_WAITING, () -> invalidation.getState().toString());
        assertNull(ack.get(), "no ack before the grant it follows is in place");
        r[0].putLong(0, 3);
        // the fault alone, not getLong, which would fault again should the invalidation land before it reads
        r[1].fault(0, false);
        invalidation.join(20_000);
        assertTrue(ack.get() != null, "acked once the grant was in place");
        assertEquals(1, r[1].stats().invalidationsReceived() - dropsBefore,
                "the invalidation dropped the copy grant 1 installed");
        assertEquals(LocalPages.INVALID, r[1].localState(0), "the copy was invalidated after it was installed");
        assertEquals(1, r[1].stats().dataReceived(), "the read fault got grant 1 with the data");
        assertEquals(3, r[1].getLong(0));
    }

    @Test
    void aReaderRacingAnotherNodesWritesNeverSeesAValueGoBack() throws Exception {
        Region[] r = region(1);
        int writes = 400;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> writer = pool.submit(() -> {
                for (int i = 1; i <= writes; i++) {
                    r[2].putLong(32, i);
                }
            });
            Future<Long> reader = pool.submit(() -> {
                long last = 0;
                while (last < writes) {
                    long v = r[1].getLong(32);
                    if (v < last) {
                        throw new AssertionError("node 2 read " + v + " after " + last);
                    }
                    last = v;
                }
                return last;
            });
            writer.get();
            assertEquals(writes, reader.get());
        } finally {
            pool.shutdown();
        }
        assertEquals(writes, r[0].getLong(32));
    }
}

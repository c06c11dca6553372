package org.aepdsm.bench.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/** The worker barrier lets no worker past a crossing before all arrive, and breaking it frees every waiter. */
class WorkerBarrierTest {
    private static final long BOUND_NANOS = TimeUnit.SECONDS.toNanos(30);

    private static void joinBounded(Thread[] threads) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND_NANOS;
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            assertFalse(t.isAlive(), t.getName() + " still waiting after 30 s");
        }
    }

    @Test
    void noWorkerPassesACrossingBeforeAllHaveArrivedAtIt() throws InterruptedException {
        int parties = 5;
        int crossings = 2000;
        WorkerBarrier barrier = new WorkerBarrier(parties);
        AtomicIntegerArray arrived = new AtomicIntegerArray(crossings);
        AtomicReference<String> violation = new AtomicReference<>();
        Thread[] threads = new Thread[parties];
        for (int w = 0; w < parties; w++) {
            threads[w] = new Thread(() -> {
                for (int c = 0; c < crossings; c++) {
                    arrived.incrementAndGet(c);
                    barrier.await();
                    int seen = arrived.get(c);
                    if (seen != parties) {
                        violation.compareAndSet(null, "crossing " + c + " passed with " + seen + " arrivals");
                    }
                }
            }, "worker-" + w);
            threads[w].start();
        }
        joinBounded(threads);
        assertEquals(null, violation.get());
        for (int c = 0; c < crossings; c++) {
            assertEquals(parties, arrived.get(c), "arrivals at crossing " + c);
        }
    }

    @Test
    void aSinglePartyNeverWaits() {
        WorkerBarrier barrier = new WorkerBarrier(1);
        for (int c = 0; c < 100; c++) {
            barrier.await();
        }
        assertEquals(1, barrier.parties());
        assertFalse(barrier.isBroken());
    }

    @Test
    void waitersParkWhenTheLastWorkerIsLateAndItsArrivalReleasesThem() throws InterruptedException {
        int parties = 4;
        WorkerBarrier barrier = new WorkerBarrier(parties);
        AtomicInteger brokenSeen = new AtomicInteger();
        // Three crossings: the second uses the other row of slots, the third the first row again.
        for (int crossing = 0; crossing < 3; crossing++) {
            Thread[] waiters = parkedWaiters(barrier, parties - 1, brokenSeen);
            assertTrue(allParked(waiters), "crossing " + crossing + ": waiters still running after their yield time");
            barrier.await();
            joinBounded(waiters);
        }
        assertEquals(0, brokenSeen.get());
        assertFalse(barrier.isBroken());
    }

    @Test
    void breakingReleasesEveryWaiterWithBroken() throws InterruptedException {
        int parties = 4;
        WorkerBarrier barrier = new WorkerBarrier(parties);
        AtomicInteger brokenSeen = new AtomicInteger();
        Thread[] waiters = parkedWaiters(barrier, parties - 1, brokenSeen);
        barrier.breakBarrier();
        joinBounded(waiters);
        assertEquals(parties - 1, brokenSeen.get());
        assertTrue(barrier.isBroken());
        assertThrows(WorkerBarrier.Broken.class, barrier::await, "a broken barrier refuses later arrivals");
    }

    @Test
    void anInterruptedWaiterBreaksTheBarrierForTheOthers() throws InterruptedException {
        WorkerBarrier barrier = new WorkerBarrier(3);
        AtomicInteger brokenSeen = new AtomicInteger();
        Thread[] waiters = parkedWaiters(barrier, 2, brokenSeen);
        waiters[0].interrupt();
        joinBounded(waiters);
        assertEquals(2, brokenSeen.get());
        assertTrue(barrier.isBroken());
    }

    @Test
    void refusesNonPositivePartiesNamingTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new WorkerBarrier(0));
        assertEquals("parties 0 is not positive", e.getMessage());
    }

    /** Starts {@code n} threads waiting at the barrier, counting those released with Broken; returns once all park. */
    private static Thread[] parkedWaiters(WorkerBarrier barrier, int n, AtomicInteger brokenSeen) {
        Thread[] waiters = new Thread[n];
        for (int w = 0; w < waiters.length; w++) {
            waiters[w] = new Thread(() -> {
                try {
                    barrier.await();
                } catch (WorkerBarrier.Broken e) {
                    brokenSeen.incrementAndGet();
                }
            }, "waiter-" + w);
            waiters[w].start();
        }
        long deadline = System.nanoTime() + BOUND_NANOS;
        while (!allParked(waiters) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        return waiters;
    }

    private static boolean allParked(Thread[] threads) {
        for (Thread t : threads) {
            if (t.getState() != Thread.State.WAITING) {
                return false;
            }
        }
        return true;
    }
}

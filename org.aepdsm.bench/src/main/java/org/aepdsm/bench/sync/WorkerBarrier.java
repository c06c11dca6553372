package org.aepdsm.bench.sync;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A barrier for a fixed set of worker threads that meet thousands of times a second, as pagerank's workers do twice
 * per message chunk. It plays the part of the originals' {@code pthread_barrier_wait}: the last arrival releases
 * the others at once, and no waiter has to take a lock on its way out. {@link java.util.concurrent.CyclicBarrier}
 * instead wakes its waiters one by one through a lock they each reacquire, a chain of context switches per
 * crossing when there are more workers than cores; pagerank's workers spend most of a stage waiting at crossings.
 *
 * <pre>
 *  generation g:  arrival k = count++      (k in [0, parties))
 *                 k == parties-1  -> count = 0; generation = g+1; unpark parked[g&1][0..parties-2]
 *                 otherwise       -> yield while generation == g, for YIELD_NANOS at most, then
 *                                    parked[g&1][k] = me; park until generation != g; parked[g&1][k] = null
 * </pre>
 * Invariants: the arrival index k is unique within a generation, so each waiter owns one slot. Slots alternate
 * between two rows by generation parity: a waiter of generation g+2 can only arrive after every worker, the
 * releaser of g included, has arrived at g+1, so it never overwrites a g waiter's slot before that waiter is
 * unparked. A waiter publishes its slot (volatile) before it re-reads the generation (volatile), and the releaser
 * publishes the generation before it reads the slots, so one of the two always sees the other and no wakeup is
 * lost.
 *
 * <p>Thread-safe. Each worker thread calls {@link #await} once per crossing; any thread may {@link #breakBarrier}.
 * Once broken the barrier stays broken: every present and later {@link #await} throws {@link Broken}.
 */
public final class WorkerBarrier {
    /**
     * How long a waiter yields before it parks. With more workers than processors a crossing completes while its
     * waiters yield once the stragglers get a processor, in a few microseconds, where a park and unpark costs tens.
     * A bound in time rather than in yields holds whether a yield hands the processor to a straggler or returns at
     * once, and keeps no state between crossings. Measured with four workers on two processors: 2,400 crossings
     * (pagerank's seed run has as many) with about two microseconds of work between them took a median of 2.5 us
     * per crossing (90th percentile 5.0) with this bound, against 4.2 (51.7) for a count of yields that halved after
     * every crossing that needed a park, which once the workers parked a few times kept them parking; the seed
     * pagerank, eight alternated fresh runs, gave a median of 57 Medges/s against 30 with the halving count.
     */
    private static final long YIELD_NANOS = 50_000;

    private final int parties;
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicReferenceArray<Thread> parked;
    private volatile int generation;
    private volatile boolean broken;

    /**
     * @param parties the number of workers that meet at each crossing
     * @throws IllegalArgumentException when {@code parties} is not positive
     */
    public WorkerBarrier(int parties) {
        if (parties <= 0) {
            throw new IllegalArgumentException("parties " + parties + " is not positive");
        }
        this.parties = parties;
        this.parked = new AtomicReferenceArray<>(2 * parties);
    }

    /** The number of workers that meet at each crossing. */
    public int parties() {
        return parties;
    }

    /**
     * Waits until all {@link #parties} workers have arrived at this crossing.
     *
     * @throws Broken when the barrier is or becomes broken, or the waiting thread is interrupted (which also
     *                breaks the barrier, so no other worker waits for this one)
     */
    public void await() {
        int g = generation;
        if (broken) {
            throw new Broken("barrier broken: another worker failed");
        }
        int k = count.getAndIncrement();
        if (k == parties - 1) {
            count.set(0);
            generation = g + 1;
            int row = (g & 1) * parties;
            for (int i = 0; i < parties - 1; i++) {
                Thread t = parked.get(row + i);
                if (t != null) {
                    LockSupport.unpark(t);
                }
            }
            return;
        }
        long parkAt = System.nanoTime() + YIELD_NANOS;
        while (generation == g) {
            if (System.nanoTime() - parkAt >= 0) {
                park(g, k);
                return;
            }
            Thread.yield();
        }
    }

    private void park(int g, int k) {
        int slot = (g & 1) * parties + k;
        parked.set(slot, Thread.currentThread());
        try {
            while (generation == g) {
                if (broken) {
                    throw new Broken("barrier broken: another worker failed");
                }
                if (Thread.currentThread().isInterrupted()) {
                    breakBarrier();
                    throw new Broken("interrupted at a barrier");
                }
                LockSupport.park(this);
            }
        } finally {
            parked.set(slot, null);
        }
    }

    /** Breaks the barrier: every worker waiting now or later leaves {@link #await} with {@link Broken}. */
    public void breakBarrier() {
        broken = true;
        for (int i = 0; i < parked.length(); i++) {
            Thread t = parked.get(i);
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /** Whether {@link #breakBarrier} was called. */
    public boolean isBroken() {
        return broken;
    }

    /** A worker left {@link #await} because the barrier was broken. */
    public static final class Broken extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Broken(String message) {
            super(message);
        }
    }
}

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
 *                 otherwise       -> yield up to an adapted few times watching generation, then
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
     * Most yields before parking. With more workers than processors a crossing completes while its waiters yield
     * once the straggler gets a processor, in a few microseconds, where a park and unpark costs tens; pagerank's
     * seed run (4 workers on 2 processors, about 1,300 crossings in its largest stage) measured a median of 1.49
     * times the throughput with 32 as with 8 over eight alternated runs, and the runs with 8 that fell back to
     * parking lost up to four fifths of it.
     */
    private static final int MAX_YIELDS = 32;

    private final int parties;
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicReferenceArray<Thread> parked;
    private volatile int generation;
    private volatile boolean broken;
    /**
     * How many times a waiter yields before it parks, adapted to how crossings go: one more after a crossing that
     * completed while its waiter yielded, half after one that needed a park. While the workers' code still runs
     * interpreted and the JIT's threads want the cores, crossings are slow and yielding only takes the processor
     * from the threads being waited for, so waiters soon park at once; once the code is compiled, crossings take
     * microseconds and a yield or two saves the park and unpark. Read and written without synchronization: it is a
     * hint, and a lost update only delays the adaptation by a crossing.
     */
    private int yields = MAX_YIELDS;

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
        int budget = yields;
        for (int y = 0; y <= budget; y++) {
            if (generation != g) {
                if (budget < MAX_YIELDS) {
                    yields = budget + 1;
                }
                return;
            }
            if (y < budget) {
                Thread.yield();
            }
        }
        yields = Math.max(1, budget >> 1);
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

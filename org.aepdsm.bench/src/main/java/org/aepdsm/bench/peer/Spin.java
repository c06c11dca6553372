package org.aepdsm.bench.peer;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * The originals' {@code do_work} spin and the peers' task threads and joining, shared by the peers. Stateless.
 */
final class Spin {
    @SuppressWarnings("unused")
    private static volatile int sink;

    private Spin() {
    }

    /** A loop the compiler may not remove, as the benchmarks' own. */
    static void work(int loops) {
        for (int d = 0; d < loops; d++) {
            int f = 1;
            f = f + f;
            f = f * f;
            f = f + f;
            f = f * f;
            sink = f;
        }
    }

    /**
     * Runs {@code body.accept(t)} for each t in [0, {@code count}) on a thread of its own and joins them all.
     *
     * @return the first failure of any of them, or null
     */
    static Throwable runTasks(int count, IntConsumer body) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] threads = new Thread[count];
        for (int t = 0; t < count; t++) {
            int task = t;
            threads[t] = new Thread(() -> {
                try {
                    body.accept(task);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            threads[t].start();
        }
        joinAll(threads);
        return failure.get();
    }

    /** Joins every thread, keeping an interrupt for the caller. */
    static void joinAll(Thread[] threads) {
        joinAll(threads, null, null);
    }

    /**
     * Joins every thread; once {@code failure} is set, keeps breaking {@code barrier} so no worker waits for one
     * that has failed.
     */
    static void joinAll(Thread[] threads, CyclicBarrier barrier, AtomicReference<Throwable> failure) {
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t.isAlive()) {
                if (barrier != null && failure.get() != null) {
                    barrier.reset();
                }
                try {
                    t.join(50);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}

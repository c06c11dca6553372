package org.aepdsm.bench;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;

/**
 * Starts one platform thread per worker, joins them all and rethrows the first failure, as the originals'
 * {@code pthread_create}/{@code pthread_join} loops do (where a failure ends the process).
 *
 * <p>Stateless; thread-safe.
 */
final class Workers {
    private Workers() {
    }

    /** Runs {@code body.accept(i)} for i in [0, count) on {@code count} threads and waits for all. */
    static void run(String name, int count, IntConsumer body) {
        run(name, count, null, body);
    }

    /**
     * As {@link #run(String, int, IntConsumer)}; a failing worker breaks {@code barrier} so the others stop
     * waiting for it.
     */
    static void run(String name, int count, CyclicBarrier barrier, IntConsumer body) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] threads = new Thread[count];
        for (int i = 0; i < count; i++) {
            int id = i;
            threads[i] = new Thread(() -> {
                try {
                    body.accept(id);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                    if (barrier != null) {
                        barrier.reset();
                    }
                }
            }, name + "-" + i);
            threads[i].start();
        }
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t.isAlive()) {
                if (failure.get() != null && barrier != null) {
                    // A worker that reaches the barrier after the breaker reset it would wait for a new
                    // generation forever; breaking it again until every worker is out releases it.
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
        Throwable t = failure.get();
        if (t instanceof AepException a) {
            throw a;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new AepException(Errno.EIO, name + " worker failed: " + t, t);
        }
    }

    /**
     * Waits at {@code barrier}. A broken barrier means another worker failed; that worker's failure is the one
     * reported, because the first failure recorded wins and a waiting worker only fails after the breaker.
     */
    static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BarrierBroken("interrupted at a barrier");
        } catch (BrokenBarrierException e) {
            throw new BarrierBroken("barrier broken: another worker failed");
        }
    }

    /** A worker left a barrier because another failed. */
    static final class BarrierBroken extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BarrierBroken(String message) {
            super(message);
        }
    }

    /** The originals' {@code do_work}: a loop the compiler may not remove. */
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

    @SuppressWarnings("unused")
    private static volatile int sink;
}

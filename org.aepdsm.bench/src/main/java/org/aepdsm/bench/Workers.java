package org.aepdsm.bench;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.bench.sync.WorkerBarrier;

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
    static void run(String name, int count, WorkerBarrier barrier, IntConsumer body) {
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
                        barrier.breakBarrier();
                    }
                }
            }, name + "-" + i);
            threads[i].start();
        }
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t.isAlive()) {
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

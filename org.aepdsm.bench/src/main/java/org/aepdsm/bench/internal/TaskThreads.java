package org.aepdsm.bench.internal;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * The benchmarks' worker threads and the originals' {@code do_work} spin, shared by the benchmarks over the
 * allocator ({@code org.aepdsm.bench.Workers}) and their peers in the child JVM ({@code org.aepdsm.bench.peer}):
 * one platform thread per task, all joined, the first failure handed back, as the originals'
 * {@code pthread_create}/{@code pthread_join} loops do.
 *
 * <p>Stateless; thread-safe.
 */
public final class TaskThreads {
    /** How long a join waits before it looks again. */
    private static final long JOIN_POLL_MILLIS = 50;

    @SuppressWarnings("unused")
    private static volatile int sink;

    private TaskThreads() {
    }

    /**
     * Runs {@code body.accept(i)} for i in [0, {@code count}) on threads named {@code name-i} and joins them all.
     *
     * @param onFailure run by a task's thread after its failure is recorded (null for nothing), so that the others
     *                  can stop waiting for it
     * @return the first failure of any task, or null
     */
    public static Throwable run(String name, int count, IntConsumer body, Runnable onFailure) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] threads = new Thread[count];
        for (int i = 0; i < count; i++) {
            int id = i;
            threads[i] = new Thread(() -> {
                try {
                    body.accept(id);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                    if (onFailure != null) {
                        onFailure.run();
                    }
                }
            }, name + "-" + i);
            threads[i].start();
        }
        joinAll(threads);
        return failure.get();
    }

    /** Joins every thread, looking again every {@value #JOIN_POLL_MILLIS} ms; an interrupt is kept for the caller. */
    public static void joinAll(Thread[] threads) {
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t.isAlive()) {
                try {
                    t.join(JOIN_POLL_MILLIS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The originals' {@code do_work}: a loop the compiler may not remove. */
    public static void work(int loops) {
        for (int d = 0; d < loops; d++) {
            int f = 1;
            f = f + f;
            f = f * f;
            f = f + f;
            f = f * f;
            sink = f;
        }
    }
}

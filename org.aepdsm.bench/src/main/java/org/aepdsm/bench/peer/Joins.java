package org.aepdsm.bench.peer;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;

import org.aepdsm.bench.internal.TaskThreads;

/** The peers' join of workers that meet at a {@link CyclicBarrier}. Stateless. */
final class Joins {
    private Joins() {
    }

    /**
     * Joins every thread ({@link TaskThreads#joinAll}); once {@code failure} is set, keeps breaking {@code barrier}
     * so no worker waits for one that has failed.
     */
    static void joinAll(Thread[] threads, CyclicBarrier barrier, AtomicReference<Throwable> failure) {
        TaskThreads.joinAll(threads, () -> {
            if (failure.get() != null) {
                barrier.reset();
            }
        });
    }
}

package org.aepdsm.bench.peer;

import java.util.concurrent.atomic.AtomicReference;

import org.aepdsm.bench.internal.TaskThreads;
import org.aepdsm.bench.sync.WorkerBarrier;

/** The peers' join of workers that meet at a {@link WorkerBarrier}. Stateless. */
final class Joins {
    private Joins() {
    }

    /**
     * Joins every thread ({@link TaskThreads#joinAll}); once {@code failure} is set, keeps breaking {@code barrier}
     * so no worker waits for one that has failed.
     */
    static void joinAll(Thread[] threads, WorkerBarrier barrier, AtomicReference<Throwable> failure) {
        TaskThreads.joinAll(threads, () -> {
            if (failure.get() != null) {
                barrier.breakBarrier();
            }
        });
    }
}

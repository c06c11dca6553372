package org.aepdsm.bench;

import java.util.function.IntConsumer;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.bench.internal.TaskThreads;
import org.aepdsm.bench.sync.WorkerBarrier;

/**
 * Starts one platform thread per worker ({@link TaskThreads}), joins them all and rethrows the first failure, as
 * the originals' {@code pthread_create}/{@code pthread_join} loops do (where a failure ends the process).
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
        Throwable t = TaskThreads.run(name, count, body, barrier == null ? null : barrier::breakBarrier);
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
}

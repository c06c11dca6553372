package org.aepdsm.bench.peer;

/**
 * The originals' {@code do_work} spin and thread joining, shared by the peers. Stateless.
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

    /** Joins every thread, keeping an interrupt for the caller. */
    static void joinAll(Thread[] threads) {
        boolean interrupted = false;
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
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

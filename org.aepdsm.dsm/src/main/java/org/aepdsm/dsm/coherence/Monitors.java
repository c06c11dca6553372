package org.aepdsm.dsm.coherence;

import java.util.function.BooleanSupplier;

/** Waiting on an object's monitor for a condition, with a deadline. Stateless. */
final class Monitors {
    private Monitors() {
    }

    /**
     * Waits on {@code monitor}, which the caller holds, until {@code done} is true or {@link System#nanoTime}
     * passes {@code deadline}. {@code done} is evaluated under the monitor, before each wait.
     *
     * @return true when {@code done} held; false at the deadline, or when the thread was interrupted (its
     *         interrupt status is set again then)
     */
    static boolean awaitUntil(Object monitor, long deadline, BooleanSupplier done) {
        while (!done.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                monitor.wait(left / 1_000_000, (int) (left % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}

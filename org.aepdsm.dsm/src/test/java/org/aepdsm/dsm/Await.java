package org.aepdsm.dsm;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded waits on conditions, for tests. */
public final class Await {
    private Await() {
    }

    /** Polls until the condition holds; fails with the description after {@code ms}. */
    public static void until(String what, long ms, BooleanSupplier condition) {
        until(what, ms, condition, () -> "");
    }

    /** Polls until the condition holds; the failure message adds {@code state}. */
    public static void until(String what, long ms, BooleanSupplier condition, Supplier<String> state) {
        long deadline = System.nanoTime() + ms * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + ms + " ms waiting for " + what + " " + state.get());
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }
}

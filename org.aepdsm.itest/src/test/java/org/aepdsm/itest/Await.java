package org.aepdsm.itest;

import static org.junit.Assert.fail;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition with a bound, instead of sleeping a guessed time.
 */
final class Await {
    private Await() {
    }

    static void until(String what, long timeoutMs, BooleanSupplier condition) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                fail("timed out after " + timeoutMs + " ms waiting for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for " + what);
            }
        }
    }

    static <T> T value(String what, long timeoutMs, Supplier<T> supplier) {
        Object[] box = new Object[1];
        until(what, timeoutMs, () -> (box[0] = supplier.get()) != null);
        @SuppressWarnings("unchecked")
        T t = (T) box[0];
        return t;
    }
}

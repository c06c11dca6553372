package org.aepdsm.allocator;

/**
 * Called at every {@link CrashPoint} the allocator passes; a test implementation
 * throws an {@link Error} there to simulate the death of the calling client's
 * process. Implementations must be thread-safe if clients run on several threads.
 */
@FunctionalInterface
public interface CrashInjector {
    /** The allocator reached {@code point} on behalf of {@code client}. */
    void reached(CrashPoint point, int client);
}

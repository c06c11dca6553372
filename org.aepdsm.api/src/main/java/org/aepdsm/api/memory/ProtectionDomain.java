package org.aepdsm.api.memory;

import org.aepdsm.api.AepException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The isolated execution space: ranges of a shared pool that only code running
 * inside the domain may touch. The shadow entry enters the domain when a client
 * calls it and leaves before returning.
 *
 * <p>{@link #enter()} and {@link #leave()} are on the hot path: they allocate
 * nothing and do not throw. They nest per thread. Thread-safety: all methods may
 * be called from any thread; the inside/outside state is per thread.
 */
@ProviderType
public interface ProtectionDomain {
    /** How the domain isolates. */
    Isolation isolation();

    /**
     * Puts {@code length} bytes of {@code pool} from {@code offset} into the domain.
     *
     * @throws AepException {@code EINVAL} if the range is unaligned to 4096 or leaves the pool
     */
    void isolate(SharedPool pool, long offset, long length);

    /** Makes the domain's memory accessible to the calling thread. */
    void enter();

    /** Makes it inaccessible again once the outermost {@link #enter()} is matched. */
    void leave();

    /** Whether the calling thread is inside. */
    boolean isInside();

    /**
     * {@link #enter()} that returns the calling thread's pass: what {@link #leave(Object)} needs to leave
     * again without looking the thread up a second time (the shadow entry calls the pair on every call).
     * The pass belongs to the calling thread and is good only for the matching leave on that thread.
     * Allocates nothing after a thread's first call and does not throw.
     *
     * @return the pass, or null if the domain has none (then {@link #leave(Object)} is {@link #leave()})
     */
    default Object enterWithPass() {
        enter();
        return null;
    }

    /**
     * Leaves as {@link #leave()} does, given the pass {@link #enterWithPass()} returned on this thread.
     *
     * @param pass the pass from the matching {@link #enterWithPass()}, or null
     */
    default void leave(Object pass) {
        leave();
    }
}

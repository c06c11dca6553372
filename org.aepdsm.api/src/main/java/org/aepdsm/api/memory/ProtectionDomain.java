package org.aepdsm.api.memory;

import org.aepdsm.api.AepException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The isolated execution space: ranges of a shared pool that only code running
 * inside the domain may touch. The shadow entry enters the domain when a client
 * calls it and leaves before returning.
 *
 * <p>Entering and leaving are on the hot path (the shadow entry calls
 * {@link #enter(Object)} and {@link #leave(Object)} with the calling thread's pass):
 * they allocate nothing and do not throw. They nest per thread. Thread-safety: all
 * methods may be called from any thread; the inside/outside state is per thread.
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
     * again without looking the thread up a second time.
     * The pass belongs to the calling thread and is good only on that thread.
     * Allocates nothing after a thread's first call and does not throw.
     *
     * @return the pass, or null if the domain has none (then {@link #leave(Object)} is {@link #leave()})
     */
    default Object enterWithPass() {
        Object pass = passOfThisThread();
        enter(pass);
        return pass;
    }

    /**
     * Leaves as {@link #leave()} does, given the pass {@link #enterWithPass()} or {@link #passOfThisThread()}
     * returned on this thread.
     *
     * @param pass the pass from the matching enter, or null
     */
    default void leave(Object pass) {
        leave();
    }

    /**
     * The calling thread's pass without entering: a caller that keeps it and calls {@link #enter(Object)} and
     * {@link #leave(Object)} with it on that thread spares the per-call lookup of the thread's state. A pass used
     * on another thread is not counted for that thread: the domain then looks that thread's own state up, so a
     * wrong pass is slower, never unsafe. Allocates nothing after a thread's first call and does not throw.
     *
     * @return the pass, or null if the domain has none
     */
    default Object passOfThisThread() {
        return null;
    }

    /**
     * {@link #enter()} with the calling thread's pass from {@link #passOfThisThread()} (or null: a plain enter).
     * Allocates nothing and does not throw.
     *
     * @param pass the pass this thread was given, or null
     */
    default void enter(Object pass) {
        enter();
    }
}

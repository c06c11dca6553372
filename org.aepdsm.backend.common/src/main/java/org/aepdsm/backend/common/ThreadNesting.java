package org.aepdsm.backend.common;

/**
 * How deep each thread is inside a protection domain: the per-thread state behind
 * {@link org.aepdsm.api.memory.ProtectionDomain}'s enter and leave.
 *
 * <p>Each thread has one {@link Pass}, found through a {@link ThreadLocal} the first time and handed to callers that
 * keep it ({@code passOfThisThread}). A kept pass is checked against the calling thread on every use
 * ({@link #mine}): a pass carried to another thread is never counted for it; that thread's own pass is looked up
 * instead, so a pass that travelled costs a lookup and changes nothing else.
 *
 * <p>Thread-safety: any thread may call; a pass is only ever changed by its own thread.
 */
public final class ThreadNesting {
    /** One thread's depth in the domain. Changed only by its owner. */
    public static final class Pass {
        private final Thread owner;
        private int depth;

        private Pass(Thread owner) {
            this.owner = owner;
        }

        /** How many enters of the owner are not yet matched by a leave. */
        public int depth() {
            return depth;
        }
    }

    private final ThreadLocal<Pass> passes = ThreadLocal.withInitial(() -> new Pass(Thread.currentThread()));

    /** The calling thread's pass (a lookup; allocates on a thread's first call only). */
    public Pass pass() {
        return passes.get();
    }

    /** {@code pass} if it is the calling thread's, else the calling thread's own (looked up). */
    public Pass mine(Object pass) {
        return pass instanceof Pass p && p.owner == Thread.currentThread() ? p : passes.get();
    }

    /**
     * One level deeper.
     *
     * @return whether this was the outermost enter (the thread was outside)
     */
    public static boolean enter(Pass p) {
        return p.depth++ == 0;
    }

    /**
     * One level out; an unmatched leave is ignored.
     *
     * @return whether this was the outermost leave (the thread is now outside)
     */
    public static boolean leave(Pass p) {
        if (p.depth == 0) {
            return false;
        }
        return --p.depth == 0;
    }

    /** Whether the calling thread is inside. */
    public boolean inside() {
        return passes.get().depth > 0;
    }
}

package org.aepdsm.dsm.coherence;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One node's copy of a region: a state byte per page, the frames holding the data, and stripe locks.
 *
 * <pre>
 *   state[page]  INVALID (0)  no valid copy here: any access faults
 *                SHARED  (1)  valid, read-only: reads are local, writes fault for ownership
 *                EXCLUSIVE(2) valid and this node is the only holder: reads and writes are local
 *   grant[page]  sequence number of the origin's last grant this node put in place (install, upgrade)
 *   stripes[page % 64]  read-locked by local accesses while they check the state and touch the page,
 *                       write-locked by every state change (install, upgrade, downgrade, drop)
 * </pre>
 *
 * Invariants: a state change and the frames' memory change happen together under the write lock, so an
 * access that saw a valid state completes before the copy can be invalidated; no lock is held while
 * waiting for another node.
 *
 * <p>Why grant numbers: a grant reaches this node on the call link of its fault, while the origin's later
 * fetches and invalidations arrive on other links; nothing orders them. The
 * origin numbers its grants per page and names, in each fetch or invalidation, the grant that made this
 * node a holder; {@link #awaitGrant} holds such a request back until that grant is in place, so it can
 * never act on a copy that is not here yet. Thread-safe.
 */
public final class LocalPages implements AutoCloseable {
    public static final int PAGE_SIZE = 4096;
    public static final byte INVALID = 0;
    public static final byte SHARED = 1;
    public static final byte EXCLUSIVE = 2;
    private static final int STRIPES = 64;
    private static final VarHandle GRANT = MethodHandles.arrayElementVarHandle(int[].class);

    private final PageFrames frames;
    private final byte[] state;
    private final int[] grant;
    /** Threads in {@link #awaitGrant}; installs notify the monitor {@code grant} only when there are any. */
    private volatile int grantWaiters;
    private final ReentrantReadWriteLock[] stripes = new ReentrantReadWriteLock[STRIPES];
    final AtomicLong invalidationsReceived = new AtomicLong();
    final AtomicLong fetchesServed = new AtomicLong();

    /**
     * @param initial the state every page starts in: EXCLUSIVE at the origin (it holds the zero pages),
     *                INVALID elsewhere
     */
    public LocalPages(PageFrames frames, long pages, byte initial) {
        this.frames = frames;
        this.state = new byte[Math.toIntExact(pages)];
        this.grant = new int[state.length];
        java.util.Arrays.fill(state, initial);
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantReadWriteLock();
        }
    }

    public PageFrames frames() {
        return frames;
    }

    public int pages() {
        return state.length;
    }

    ReentrantReadWriteLock.ReadLock readLock(long page) {
        return stripes[(int) (page % STRIPES)].readLock();
    }

    private ReentrantReadWriteLock.WriteLock writeLock(long page) {
        return stripes[(int) (page % STRIPES)].writeLock();
    }

    /** The page's state; callers that act on it hold the stripe's read lock. */
    public byte state(long page) {
        return state[(int) page];
    }

    /** A snapshot of the page's state, taken under its lock. */
    public byte stateNow(long page) {
        ReentrantReadWriteLock.ReadLock l = readLock(page);
        l.lock();
        try {
            return state[(int) page];
        } finally {
            l.unlock();
        }
    }

    /** Received data: the page becomes SHARED, or EXCLUSIVE for a writer. */
    public void install(long page, byte[] data, boolean writable) {
        install(page, data, 0, writable);
    }

    /** Received data from {@code offset} of {@code data}: the page becomes SHARED, or EXCLUSIVE for a writer. */
    public void install(long page, byte[] data, int offset, boolean writable) {
        ReentrantReadWriteLock.WriteLock l = writeLock(page);
        l.lock();
        try {
            frames.install(page, data, offset, writable);
            state[(int) page] = writable ? EXCLUSIVE : SHARED;
        } finally {
            l.unlock();
        }
    }

    /** Received data of the origin's grant number {@code seq}; see {@link #install(long, byte[], int, boolean)}. */
    public void install(long page, byte[] data, int offset, boolean writable, int seq) {
        install(page, data, offset, writable);
        granted(page, seq);
    }

    /** Write ownership without data by the origin's grant number {@code seq}; see {@link #upgrade(long)}. */
    public void upgrade(long page, int seq) {
        upgrade(page);
        granted(page, seq);
    }

    /** Records that grant {@code seq} of the page is in place, and wakes requests held back for it. */
    private void granted(long page, int seq) {
        GRANT.setVolatile(grant, (int) page, seq);
        if (grantWaiters > 0) {
            synchronized (grant) {
                grant.notifyAll();
            }
        }
    }

    /**
     * Waits until the origin's grant number {@code seq} of the page (or a later one) is in place here.
     * Returns at once in the usual case; waits only when a request of the origin overtook the grant it
     * follows.
     *
     * @return false when the grant did not come within {@code timeoutNanos} (its fault failed here)
     */
    public boolean awaitGrant(long page, int seq, long timeoutNanos) {
        if (hasGrant(page, seq)) {
            return true;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (grant) {
            grantWaiters++;
            try {
                while (!hasGrant(page, seq)) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    grant.wait(left / 1_000_000, (int) (left % 1_000_000));
                }
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return hasGrant(page, seq);
            } finally {
                grantWaiters--;
            }
        }
    }

    /** Whether grant {@code seq} or a later one is in place (numbers compare modulo 2^32). */
    private boolean hasGrant(long page, int seq) {
        return (int) GRANT.getVolatile(grant, (int) page) - seq >= 0;
    }

    /**
     * Write ownership granted without data: the copy here is valid and becomes EXCLUSIVE.
     *
     * @throws IllegalStateException if there is no valid copy to upgrade (a protocol violation)
     */
    public void upgrade(long page) {
        ReentrantReadWriteLock.WriteLock l = writeLock(page);
        l.lock();
        try {
            if (state[(int) page] == INVALID) {
                throw new IllegalStateException("page " + page + " was granted write without data but holds no copy");
            }
            if (state[(int) page] == SHARED) {
                frames.upgrade(page);
                state[(int) page] = EXCLUSIVE;
            }
        } finally {
            l.unlock();
        }
    }

    /**
     * The origin fetches the page from this holder.
     *
     * @return the page bytes, or null when this node holds no valid copy
     */
    public byte[] fetch(long page, FetchMode mode) {
        ReentrantReadWriteLock.WriteLock l = writeLock(page);
        l.lock();
        try {
            byte s = state[(int) page];
            if (s == INVALID) {
                return null;
            }
            if (s == EXCLUSIVE && mode == FetchMode.DOWNGRADE) {
                // stop local writers before the bytes are copied out
                frames.downgrade(page);
                state[(int) page] = SHARED;
            }
            byte[] data = frames.copy(page);
            fetchesServed.incrementAndGet();
            if (mode == FetchMode.DROP) {
                frames.drop(page);
                state[(int) page] = INVALID;
                invalidationsReceived.incrementAndGet();
            }
            return data;
        } finally {
            l.unlock();
        }
    }

    /**
     * What a node tells a new origin about its copy of a region: each page's state and the grant number
     * that put it in place. Immutable once made.
     */
    public record Copies(byte[] states, int[] grants) {
    }

    /**
     * This node's copy of every page, for a new origin that rebuilds the directory. Taken page by page
     * under each page's lock; the region stops installing grants of the old origin before it reports.
     */
    public Copies copies() {
        byte[] states = new byte[state.length];
        int[] grants = new int[state.length];
        for (int p = 0; p < state.length; p++) {
            ReentrantReadWriteLock.ReadLock l = readLock(p);
            l.lock();
            try {
                states[p] = state[p];
                grants[p] = (int) GRANT.getVolatile(grant, p);
            } finally {
                l.unlock();
            }
        }
        return new Copies(states, grants);
    }

    /** The origin invalidates this copy (another node is about to write). */
    public void invalidate(long page) {
        ReentrantReadWriteLock.WriteLock l = writeLock(page);
        l.lock();
        try {
            if (state[(int) page] != INVALID) {
                frames.drop(page);
                state[(int) page] = INVALID;
                invalidationsReceived.incrementAndGet();
            }
        } finally {
            l.unlock();
        }
    }

    @Override
    public void close() {
        frames.close();
    }
}

package org.aepdsm.backend.sim;

import java.util.concurrent.CopyOnWriteArrayList;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.Isolation;
import org.aepdsm.api.memory.ProtectionDomain;
import org.aepdsm.api.memory.SharedPool;
import org.aepdsm.backend.common.ThreadNesting;

/**
 * The isolated space of the simulated machine ({@link Isolation#SIMULATED}): a per-thread
 * nesting depth and the list of isolated ranges of shared pools.
 *
 * <p>What it can and cannot do: a {@link SharedPool}'s {@link java.lang.foreign.MemorySegment}
 * is plain memory, and nothing in a JVM stops code that holds it from reading or writing an
 * isolated range. The domain does not pretend otherwise: it records the ranges and reports,
 * through {@link #isInside()} and {@link #permits}, whether the calling thread may touch a range
 * now, so that the allocator and the tests can assert that client code never does.
 *
 * <p>Thread-safety: all methods may be called from any thread; the depth is per thread.
 * {@link #enter()} and {@link #leave()} allocate nothing after a thread's first call and never
 * throw (not even after the machine shut down); an unmatched {@link #leave()} is ignored.
 */
final class SimProtectionDomain implements ProtectionDomain {
    private final SimMachine machine;
    private final ThreadNesting nesting = new ThreadNesting();
    private final CopyOnWriteArrayList<IsolatedRange> ranges = new CopyOnWriteArrayList<>();

    /** A range of a shared region inside the domain. */
    record IsolatedRange(SharedRegion region, long offset, long length) {
        boolean overlaps(SharedRegion r, long off, long len) {
            return region == r && off < offset + length && offset < off + len;
        }
    }

    SimProtectionDomain(SimMachine machine) {
        this.machine = machine;
    }

    @Override
    public Isolation isolation() {
        return Isolation.SIMULATED;
    }

    @Override
    public void isolate(SharedPool pool, long offset, long length) {
        machine.checkActive();
        if (!(pool instanceof SimSharedPool p) || p.machine() != machine) {
            throw new AepException(Errno.EINVAL, "shared pool " + pool + " does not belong to this sim backend");
        }
        if (!p.isOpen()) {
            throw new AepException(Errno.EINVAL, "shared pool '" + p.name() + "' is closed");
        }
        if ((offset & 4095) != 0 || offset < 0) {
            throw new AepException(Errno.EINVAL, "offset 0x" + Long.toHexString(offset)
                    + " is not a non-negative multiple of 4096");
        }
        if (length <= 0 || (length & 4095) != 0) {
            throw new AepException(Errno.EINVAL, "length " + length + " is not a positive multiple of 4096");
        }
        if (length > p.size() - offset) {
            throw new AepException(Errno.EINVAL, "range 0x" + Long.toHexString(offset) + "+" + length
                    + " leaves shared pool '" + p.name() + "' of " + p.size() + " bytes");
        }
        ranges.add(new IsolatedRange(p.region(), offset, length));
    }

    @Override
    public void enter() {
        ThreadNesting.enter(nesting.pass());
    }

    @Override
    public void enter(Object pass) {
        ThreadNesting.enter(nesting.mine(pass));
    }

    @Override
    public void leave() {
        ThreadNesting.leave(nesting.pass());
    }

    @Override
    public void leave(Object pass) {
        ThreadNesting.leave(nesting.mine(pass));
    }

    @Override
    public Object passOfThisThread() {
        return nesting.pass();
    }

    @Override
    public boolean isInside() {
        return nesting.inside();
    }

    /** Whether any byte of {@code [offset, offset + length)} of the pool is isolated. */
    boolean isIsolated(SharedPool pool, long offset, long length) {
        if (!(pool instanceof SimSharedPool p)) {
            return false;
        }
        for (IsolatedRange r : ranges) {
            if (r.overlaps(p.region(), offset, length)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the calling thread may touch the range now: it is inside, or the range is not isolated. */
    boolean permits(SharedPool pool, long offset, long length) {
        return isInside() || !isIsolated(pool, offset, length);
    }
}

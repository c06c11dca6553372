package org.aepdsm.allocator;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.Isolation;
import org.aepdsm.api.memory.ProtectionDomain;
import org.aepdsm.api.memory.SharedPool;

/** A protection domain for tests: no isolation, but it records isolated ranges and counts entries per thread. */
final class TestDomain implements ProtectionDomain {
    final List<long[]> isolated = new ArrayList<>();
    final AtomicLong entries = new AtomicLong();
    private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);

    @Override
    public Isolation isolation() {
        return Isolation.NONE;
    }

    @Override
    public synchronized void isolate(SharedPool pool, long offset, long length) {
        if ((offset & 4095) != 0 || (length & 4095) != 0 || offset < 0 || offset + length > pool.size()) {
            throw new AepException(Errno.EINVAL, "range 0x" + Long.toHexString(offset) + "+" + length
                    + " is not 4096-aligned inside the pool");
        }
        isolated.add(new long[] {offset, length});
    }

    @Override
    public void enter() {
        depth.get()[0]++;
        entries.incrementAndGet();
    }

    @Override
    public void leave() {
        depth.get()[0]--;
    }

    @Override
    public boolean isInside() {
        return depth.get()[0] > 0;
    }

    /** Lookups of a thread's pass ({@link #passOfThisThread()}). */
    final AtomicLong lookups = new AtomicLong();
    /** Enters given a pass that was not the calling thread's. */
    final AtomicLong foreignPasses = new AtomicLong();

    @Override
    public Object passOfThisThread() {
        lookups.incrementAndGet();
        return depth.get();
    }

    @Override
    public void enter(Object pass) {
        if (pass != depth.get()) {
            foreignPasses.incrementAndGet();
        }
        enter();
    }
}

package org.aepdsm.allocator;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

import org.aepdsm.api.Errno;
import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.api.memory.ProtectionDomain;

/**
 * The shadow entry over one allocator and its pool: enters the protection domain,
 * dispatches, leaves. Once {@link #retire() retired} (the backend went away or was
 * swapped), every call answers {@code ESTALE} without touching the pool, and a pool
 * closed under a running call is caught at this edge and answered {@code ESTALE} too.
 *
 * <p>Thread-safety: any thread may call; the allocator's per-client rule applies.
 */
public final class PoolShadowEntry implements ShadowEntry {
    /** The default entry address, as in AEP ({@code 0xffffe8fffd800000} + 4 KiB). */
    public static final long DEFAULT_ADDRESS = 0xffffe8fffd801000L;
    private static final long ESTALE = -Errno.ESTALE.code();
    private static final long EINVAL = -Errno.EINVAL.code();

    private final AepAllocator allocator;
    private final ProtectionDomain domain;
    private final boolean direct;
    private final long address;
    private volatile boolean retired;

    /**
     * @param allocator the allocator behind the entry
     * @param domain    the isolated space to enter on each call (ignored in direct mode)
     * @param direct    skip the domain (AEP's direct-link debugging mode)
     * @param address   the entry address this instance answers to
     */
    public PoolShadowEntry(AepAllocator allocator, ProtectionDomain domain, boolean direct, long address) {
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.domain = direct ? null : Objects.requireNonNull(domain, "domain");
        this.direct = direct;
        this.address = address;
    }

    @Override
    public long call(int op, long a0, long a1, long a2, long a3) {
        return through(direct ? null : domain.passOfThisThread(), op, a0, a1, a2, a3);
    }

    /** A call with the calling thread's pass through the domain (null in direct mode). */
    private long through(Object pass, int op, long a0, long a1, long a2, long a3) {
        if (retired) {
            return ESTALE;
        }
        if (direct) {
            return guarded(op, a0, a1, a2, a3);
        }
        domain.enter(pass);
        try {
            return guarded(op, a0, a1, a2, a3);
        } finally {
            domain.leave(pass);
        }
    }

    /** This entry with the calling thread's pass through the domain kept at hand (see {@link ThreadEntry}). */
    @Override
    public ShadowEntry onThisThread() {
        return new ThreadEntry(this, direct ? null : domain.passOfThisThread());
    }

    private long guarded(int op, long a0, long a1, long a2, long a3) {
        try {
            return allocator.call(op, a0, a1, a2, a3);
        } catch (IllegalStateException closed) {
            return ESTALE;
        } catch (IndexOutOfBoundsException | ArithmeticException damaged) {
            // Only damaged metadata can lead a validated offset astray; refuse the call, never crash.
            return retired ? ESTALE : EINVAL;
        }
    }

    /**
     * Which check the arguments failed ({@link Refusals}); empty for a result that is not an errno, and when the
     * pool cannot be read (closed under the question).
     */
    @Override
    public String explain(int op, long a0, long a1, long a2, long result) {
        if (result >= 0) {
            return "";
        }
        try {
            return new Refusals(this).explain(Errno.of(result), op, a0, a1, a2);
        } catch (RuntimeException unreadable) {
            return "";
        }
    }

    @Override
    public MemorySegment memory() {
        return allocator.memory();
    }

    @Override
    public long address() {
        return address;
    }

    @Override
    public boolean direct() {
        return direct;
    }

    /** The protection domain entered on each call, or null in direct mode. */
    public ProtectionDomain domain() {
        return domain;
    }

    /** The allocator behind the entry. */
    public AepAllocator allocator() {
        return allocator;
    }

    /** Makes every later call answer ESTALE. */
    public void retire() {
        retired = true;
    }

    /** Whether the entry was retired. */
    public boolean retired() {
        return retired;
    }

    /**
     * A {@link PoolShadowEntry} as one thread holds it: calls pass the thread's pass, kept here, to the domain, which
     * checks that it belongs to the calling thread (another thread's calls look their own up). Retiring the entry
     * retires this view with it.
     */
    private static final class ThreadEntry implements ShadowEntry {
        private final PoolShadowEntry entry;
        private final Object pass;

        ThreadEntry(PoolShadowEntry entry, Object pass) {
            this.entry = entry;
            this.pass = pass;
        }

        @Override
        public long call(int op, long a0, long a1, long a2, long a3) {
            return entry.through(pass, op, a0, a1, a2, a3);
        }

        @Override
        public MemorySegment memory() {
            return entry.memory();
        }

        @Override
        public long address() {
            return entry.address();
        }

        @Override
        public boolean direct() {
            return entry.direct();
        }

        @Override
        public String explain(int op, long a0, long a1, long a2, long result) {
            return entry.explain(op, a0, a1, a2, result);
        }

        @Override
        public ShadowEntry onThisThread() {
            return entry.onThisThread();
        }
    }
}

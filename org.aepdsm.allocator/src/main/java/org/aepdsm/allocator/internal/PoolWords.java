package org.aepdsm.allocator.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * Every access the allocator makes to the shared pool: 64-bit words at byte
 * offsets, plain or with a named memory ordering. This is the only class of the
 * bundle that touches the pool's {@link MemorySegment}, and it holds the only
 * {@link VarHandle} used on it. The segment comes from a {@link SegmentConstant}, so that
 * with {@link #of} compiled accesses see it as a constant.
 *
 * <p>Names follow JCTools: {@code get}/{@code put} are plain, {@code lv} is a
 * volatile load, {@code la} an acquire load, {@code so} a release ("ordered")
 * store, {@code cas} a compare-and-set, {@code xchg} and {@code xadd} atomic
 * exchange and add. Offsets are bytes from the pool's start and must be 8-aligned;
 * callers check them against the pool's layout before calling (a bad offset makes
 * the segment throw, it never reaches foreign memory).
 *
 * <p>Thread-safety: stateless apart from the segment; safe from any thread. The
 * segment is owned by the {@code SharedPool} that handed it out; once that pool is
 * closed every method throws {@link IllegalStateException}.
 */
public final class PoolWords {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle PLAIN = ValueLayout.JAVA_LONG_UNALIGNED.varHandle();

    private final SegmentConstant pool;
    private final long size;

    /**
     * @param pool the whole pool, offset 0 to its size; a {@link SegmentConstant#of} one makes every access cheaper
     */
    public PoolWords(SegmentConstant pool) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.size = pool.segment().byteSize();
    }

    /** Words of {@code segment} held as a JIT constant ({@link SegmentConstant#of}). */
    public static PoolWords of(MemorySegment segment) {
        return new PoolWords(SegmentConstant.of(segment));
    }

    /** The pool segment. */
    public MemorySegment segment() {
        return pool.segment();
    }

    /** Whether the segment is a constant to compiled code. */
    public boolean constantSegment() {
        return pool.constant();
    }

    /** The pool's size in bytes. */
    public long size() {
        return size;
    }

    /** Plain load. */
    public long get(long offset) {
        return (long) PLAIN.get(pool.segment(), offset);
    }

    /** Plain store. */
    public void put(long offset, long value) {
        PLAIN.set(pool.segment(), offset, value);
    }

    /** Volatile load. */
    public long lv(long offset) {
        return (long) LONG.getVolatile(pool.segment(), offset);
    }

    /** Acquire load. */
    public long la(long offset) {
        return (long) LONG.getAcquire(pool.segment(), offset);
    }

    /** Release store: earlier stores become visible no later than this one. */
    public void so(long offset, long value) {
        LONG.setRelease(pool.segment(), offset, value);
    }

    /** Compare-and-set with volatile semantics. */
    public boolean cas(long offset, long expected, long value) {
        return LONG.compareAndSet(pool.segment(), offset, expected, value);
    }

    /** Atomic exchange; returns the previous value. */
    public long xchg(long offset, long value) {
        return (long) LONG.getAndSet(pool.segment(), offset, value);
    }

    /** Atomic add; returns the previous value. */
    public long xadd(long offset, long delta) {
        return (long) LONG.getAndAdd(pool.segment(), offset, delta);
    }

    /** Zeroes {@code length} bytes from {@code offset} (not on a hot path: it makes a slice). */
    public void zero(long offset, long length) {
        pool.segment().asSlice(offset, length).fill((byte) 0);
    }
}

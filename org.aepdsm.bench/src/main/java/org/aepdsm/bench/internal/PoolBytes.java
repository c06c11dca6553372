package org.aepdsm.bench.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.aepdsm.api.ownership.GlobalRef;

/**
 * The bytes of allocator objects, reached as a client reaches them: through the entry's client-visible memory at
 * the handle's pool offset. Every access is bounds-checked by the segment, so a wrong handle fails with an
 * exception instead of touching memory outside the pool.
 *
 * <p>Fields are read unaligned: the benchmarks keep the original programs' field offsets, and the allocator's
 * object alignment is its own business. Thread-safe as the segment is; callers order their own accesses.
 */
public final class PoolBytes {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    private final MemorySegment pool;

    /** @param pool the entry's {@code memory()} */
    public PoolBytes(MemorySegment pool) {
        this.pool = pool;
    }

    private static long at(long handle, long offset) {
        return GlobalRef.offsetOf(handle) + offset;
    }

    /** The u64 at {@code offset} in the object. */
    public long getLong(long handle, long offset) {
        return pool.get(LONG, at(handle, offset));
    }

    /** Stores a u64 at {@code offset} in the object. */
    public void setLong(long handle, long offset, long value) {
        pool.set(LONG, at(handle, offset), value);
    }

    /** The u32 at {@code offset}, as an int. */
    public int getInt(long handle, long offset) {
        return pool.get(INT, at(handle, offset));
    }

    /** Stores a u32 at {@code offset}. */
    public void setInt(long handle, long offset, int value) {
        pool.set(INT, at(handle, offset), value);
    }

    /** The double at {@code offset}. */
    public double getDouble(long handle, long offset) {
        return pool.get(DOUBLE, at(handle, offset));
    }

    /** Stores a double at {@code offset}. */
    public void setDouble(long handle, long offset, double value) {
        pool.set(DOUBLE, at(handle, offset), value);
    }

    /** Zeroes {@code length} bytes from {@code offset}. */
    public void zero(long handle, long offset, long length) {
        pool.asSlice(at(handle, offset), length).fill((byte) 0);
    }
}

package org.aepdsm.bench.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

import org.aepdsm.api.ownership.GlobalRef;

/**
 * The bytes of allocator objects, reached as a client reaches them: through the entry's client-visible memory at
 * the handle's pool offset. Every access is bounds-checked by the segment, so a wrong handle fails with an
 * exception instead of touching memory outside the pool.
 *
 * <p>Two forms of each accessor: by handle and field offset, and by absolute pool offset ({@code ...At}). A loop
 * that touches one object many times resolves the handle once with {@link #offsetOf} (a mask, no call) and then
 * reads the fields as plain loads from the pool at {@code base + field}, as the originals do through a pointer;
 * the segment still checks every access against the pool's bounds and liveness.
 *
 * <p>Fields are read unaligned: the benchmarks keep the original programs' field offsets, and the allocator's
 * object alignment is its own business. Thread-safe as the segment is; callers order their own accesses.
 */
public final class PoolBytes {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    private static final MemorySegment ZEROS = MemorySegment.ofArray(new long[128]);

    private final MemorySegment pool;

    /** @param pool the entry's {@code memory()} */
    public PoolBytes(MemorySegment pool) {
        this.pool = pool;
    }

    private static long at(long handle, long offset) {
        return GlobalRef.offsetOf(handle) + offset;
    }

    /** The pool offset of the object a handle names: the base its {@code ...At} field offsets are added to. */
    public static long offsetOf(long handle) {
        return GlobalRef.offsetOf(handle);
    }

    /** The u64 at pool offset {@code at}. */
    public long longAt(long at) {
        return pool.get(LONG, at);
    }

    /** Stores a u64 at pool offset {@code at}. */
    public void setLongAt(long at, long value) {
        pool.set(LONG, at, value);
    }

    /** The u32 at pool offset {@code at}, as an int. */
    public int intAt(long at) {
        return pool.get(INT, at);
    }

    /** Stores a u32 at pool offset {@code at}. */
    public void setIntAt(long at, int value) {
        pool.set(INT, at, value);
    }

    /** The double at pool offset {@code at}. */
    public double doubleAt(long at) {
        return pool.get(DOUBLE, at);
    }

    /** Stores a double at pool offset {@code at}. */
    public void setDoubleAt(long at, double value) {
        pool.set(DOUBLE, at, value);
    }

    /**
     * Reads {@code count} consecutive u32s from pool offset {@code at} into {@code into[0..count)}: one bounds check
     * for the run instead of one per value.
     *
     * @throws IndexOutOfBoundsException when the run is not inside the pool or does not fit {@code into}
     */
    public void intsAt(long at, int[] into, int count) {
        MemorySegment.copy(pool, INT, at, into, 0, count);
    }

    /**
     * Reads {@code count} consecutive doubles from pool offset {@code at} into {@code into[0..count)}.
     *
     * @throws IndexOutOfBoundsException when the run is not inside the pool or does not fit {@code into}
     */
    public void doublesAt(long at, double[] into, int count) {
        MemorySegment.copy(pool, DOUBLE, at, into, 0, count);
    }

    /**
     * Stores {@code from[index..index+count)} as consecutive doubles from pool offset {@code at}.
     *
     * @throws IndexOutOfBoundsException when the run is not inside the pool or not inside {@code from}; nothing is
     *                                   written then
     */
    public void setDoublesAt(long at, double[] from, int index, int count) {
        MemorySegment.copy(from, index, pool, DOUBLE, at, count);
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
        zeroAt(at(handle, offset), length);
    }

    /**
     * Zeroes {@code length} bytes from pool offset {@code at}, copying from a block of zeros rather than slicing
     * the pool for each object.
     *
     * @throws IndexOutOfBoundsException when the range is not inside the pool; nothing is written then
     */
    public void zeroAt(long at, long length) {
        Objects.checkFromIndexSize(at, length, pool.byteSize());
        for (long done = 0; done < length; ) {
            long n = Math.min(length - done, ZEROS.byteSize());
            MemorySegment.copy(ZEROS, 0, pool, at + done, n);
            done += n;
        }
    }
}

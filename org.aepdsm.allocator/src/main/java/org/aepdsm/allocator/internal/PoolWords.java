package org.aepdsm.allocator.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * Every access the allocator makes to the shared pool: 64-bit words at byte
 * offsets, plain or with a named memory ordering. This is the only class of the
 * bundle (with its two implementations) that touches the pool's {@link MemorySegment},
 * and they hold the only {@link VarHandle}s used on it.
 *
 * <p>Names follow JCTools: {@code get}/{@code put} are plain, {@code lv} is a
 * volatile load, {@code la} an acquire load, {@code so} a release ("ordered")
 * store, {@code cas} a compare-and-set, {@code xchg} and {@code xadd} atomic
 * exchange and add. Offsets are bytes from the pool's start and must be 8-aligned;
 * callers check them against the pool's layout before calling (a bad offset makes
 * the segment throw, it never reaches foreign memory).
 *
 * <p>Two implementations, the same behaviour:
 * <ul>
 * <li>{@link #of}: a class of its own for each pool, defined as a hidden class from
 *     {@link ConstantWords}'s bytes with the pool's segment as its class data, which it
 *     keeps in a {@code static final} field. The JIT then treats the segment as a
 *     constant: its base address, size, read-only flag and kind fold into the compiled
 *     code, and an access keeps only its bounds, alignment and liveness checks. With
 *     the segment in an instance field every access reloads and rechecks all of them,
 *     since the allocator's atomics between two accesses force the loads again.</li>
 * <li>{@link #onField}: the segment in an instance field; what {@link #of} falls back
 *     to when the hidden class cannot be defined.</li>
 * </ul>
 * A JVM that uses one pool at a time (the usual case) loads one such class, so the
 * allocator's calls on it are direct. Every pool's class is unloaded with the last
 * object that uses it. Subclasses are this package's two (the constructor is
 * package-private; a hidden class cannot be a sealed class's permitted subclass).
 *
 * <p>Thread-safety: stateless apart from the segment; safe from any thread. The
 * segment is owned by the {@code SharedPool} that handed it out; once that pool is
 * closed every method throws {@link IllegalStateException}.
 */
public abstract class PoolWords {
    /** Aligned access, for the atomics and ordered accesses. */
    static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    /** Plain access; callers keep offsets 8-aligned, the handle only skips the alignment check. */
    static final VarHandle PLAIN = ValueLayout.JAVA_LONG_UNALIGNED.varHandle();

    private static final String TEMPLATE = "ConstantWords.class";
    private static volatile byte[] template;

    private final MemorySegment segment;
    private final long size;

    PoolWords(MemorySegment segment) {
        this.segment = Objects.requireNonNull(segment, "segment");
        this.size = segment.byteSize();
    }

    /**
     * Words of the pool {@code segment} (offset 0 to its size), in a class of their own whose compiled accesses
     * treat the segment as a constant; an instance-field implementation if that class cannot be defined.
     */
    public static PoolWords of(MemorySegment segment) {
        Objects.requireNonNull(segment, "segment");
        try {
            MethodHandles.Lookup hidden = MethodHandles.lookup().defineHiddenClassWithClassData(templateBytes(),
                    segment, true);
            return (PoolWords) hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class))
                    .invoke();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            return onField(segment);
        }
    }

    /** Words of the pool {@code segment} with the segment in an instance field. */
    public static PoolWords onField(MemorySegment segment) {
        return new FieldWords(segment);
    }

    private static byte[] templateBytes() throws IOException {
        byte[] b = template;
        if (b == null) {
            try (InputStream in = PoolWords.class.getResourceAsStream(TEMPLATE)) {
                if (in == null) {
                    throw new IOException("class file " + TEMPLATE + " not found beside " + PoolWords.class.getName());
                }
                b = in.readAllBytes();
            }
            template = b;
        }
        return b;
    }

    /** Whether this implementation keeps the segment as a compile-time constant (see {@link #of}). */
    public abstract boolean constantSegment();

    /** The pool segment. */
    public final MemorySegment segment() {
        return segment;
    }

    /** The pool's size in bytes. */
    public final long size() {
        return size;
    }

    /** Plain load. */
    public abstract long get(long offset);

    /** Plain store. */
    public abstract void put(long offset, long value);

    /** Volatile load. */
    public abstract long lv(long offset);

    /** Acquire load. */
    public abstract long la(long offset);

    /** Release store: earlier stores become visible no later than this one. */
    public abstract void so(long offset, long value);

    /** Compare-and-set with volatile semantics. */
    public abstract boolean cas(long offset, long expected, long value);

    /** Atomic exchange; returns the previous value. */
    public abstract long xchg(long offset, long value);

    /** Atomic add; returns the previous value. */
    public abstract long xadd(long offset, long delta);

    /** Zeroes {@code length} bytes from {@code offset} (not on a hot path: it makes a slice). */
    public final void zero(long offset, long length) {
        segment.asSlice(offset, length).fill((byte) 0);
    }
}

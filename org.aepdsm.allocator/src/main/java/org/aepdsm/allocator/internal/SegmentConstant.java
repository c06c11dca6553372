package org.aepdsm.allocator.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Objects;

/**
 * A memory segment the JIT can treat as a constant.
 *
 * <p>{@link #of} defines a hidden class from {@link ConstantSegment}'s bytes with the segment as its class data,
 * kept in a {@code static final} field, which compiled code folds to a constant. Once a caller's call of
 * {@link #segment()} is inlined (one such class loaded, or one seen at the call site), an access through the
 * segment keeps only its bounds, alignment and liveness checks: the segment's base address, size, read-only flag
 * and kind fold away. A segment in an instance field is reloaded and rechecked on every access after an atomic or
 * volatile access, which a lock-free allocator makes between almost any two. Each class is unloaded with the last
 * object that uses it.
 *
 * <p>{@link #onField} keeps the segment in an instance field; it is what {@link #of} gives when the hidden class
 * cannot be defined. Both behave alike, only their speed differs. Subclasses are this package's (the constructor
 * is package-private; a hidden class cannot be a sealed class's permitted subclass).
 *
 * <p>Immutable; thread-safe.
 */
public abstract class SegmentConstant {
    private static final String TEMPLATE = "ConstantSegment.class";
    private static volatile byte[] template;

    SegmentConstant() {
    }

    /** The segment. */
    public abstract MemorySegment segment();

    /** Whether compiled code sees {@link #segment()} as a constant (a class of its own, see {@link #of}). */
    public abstract boolean constant();

    /** {@code segment} in a class of its own that holds it as a constant; {@link #onField} if that fails. */
    public static SegmentConstant of(MemorySegment segment) {
        Objects.requireNonNull(segment, "segment");
        try {
            MethodHandles.Lookup hidden = MethodHandles.lookup().defineHiddenClassWithClassData(templateBytes(),
                    segment, true);
            return (SegmentConstant) hidden.findConstructor(hidden.lookupClass(),
                    MethodType.methodType(void.class)).invoke();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            return onField(segment);
        }
    }

    /** {@code segment} in an instance field. */
    public static SegmentConstant onField(MemorySegment segment) {
        return new OnField(Objects.requireNonNull(segment, "segment"));
    }

    private static byte[] templateBytes() throws IOException {
        byte[] b = template;
        if (b == null) {
            try (InputStream in = SegmentConstant.class.getResourceAsStream(TEMPLATE)) {
                if (in == null) {
                    throw new IOException("class file " + TEMPLATE + " not found beside "
                            + SegmentConstant.class.getName());
                }
                b = in.readAllBytes();
            }
            template = b;
        }
        return b;
    }

    private static final class OnField extends SegmentConstant {
        private final MemorySegment segment;

        OnField(MemorySegment segment) {
            this.segment = segment;
        }

        @Override
        public MemorySegment segment() {
            return segment;
        }

        @Override
        public boolean constant() {
            return false;
        }
    }
}

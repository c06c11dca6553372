package org.aepdsm.api.ownership;

/**
 * A 64-bit global address of an allocator object, valid on every node and in every
 * process that maps the pool. Immutable.
 *
 * <pre>
 *  63            48 47                                   0
 * +----------------+--------------------------------------+
 * |  tag (16 bits) |  byte offset in the shared pool      |
 * +----------------+--------------------------------------+
 * </pre>
 * The tag is the allocator's check value (a generation): a handle whose tag does not
 * match the object's current generation is stale. The value 0 is the null reference.
 *
 * @param value the raw 64-bit value
 */
public record GlobalRef(long value) {
    /** Bits of the offset field. */
    public static final int OFFSET_BITS = 48;
    /** Mask of the offset field. */
    public static final long OFFSET_MASK = (1L << OFFSET_BITS) - 1;
    /** The null reference. */
    public static final GlobalRef NULL = new GlobalRef(0);

    /** A reference from its fields. */
    public static GlobalRef of(int tag, long offset) {
        if (offset < 0 || offset > OFFSET_MASK) {
            throw new IllegalArgumentException("offset 0x" + Long.toHexString(offset) + " does not fit in 48 bits");
        }
        return new GlobalRef(((long) (tag & 0xFFFF) << OFFSET_BITS) | offset);
    }

    /** The pool offset of a raw handle. */
    public static long offsetOf(long handle) {
        return handle & OFFSET_MASK;
    }

    /** The tag of a raw handle. */
    public static int tagOf(long handle) {
        return (int) (handle >>> OFFSET_BITS);
    }

    /** A handle as {@code 0x...} text. */
    public static String hex(long handle) {
        return "0x" + Long.toHexString(handle);
    }

    /** The pool offset. */
    public long offset() {
        return offsetOf(value);
    }

    /** The tag. */
    public int tag() {
        return tagOf(value);
    }

    /** Whether this is the null reference. */
    public boolean isNull() {
        return value == 0;
    }

    @Override
    public String toString() {
        return hex(value);
    }
}

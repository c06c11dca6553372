package org.aepdsm.api;

/**
 * The error numbers AEP-DSM reports, with the values Linux x86-64 gives them.
 *
 * <p>The shadow entry returns {@code -code()} for an error; the typed facades
 * throw {@link AepException} carrying the constant. Immutable and thread-safe.
 */
public enum Errno {
    /** Operation not permitted: the caller is not the owner, or the object is the base. */
    EPERM(1),
    /** No such object: an unknown id, an empty mailbox with nothing to wait for. */
    ENOENT(2),
    /** An input/output error of the underlying device or file. */
    EIO(5),
    /** Resource temporarily unavailable: a full mailbox, a busy target; retry later. */
    EAGAIN(11),
    /** Out of memory: the pool, the frame pool or the metadata area is exhausted. */
    ENOMEM(12),
    /** Access denied: a protection violation, or a range that may not take the operation. */
    EACCES(13),
    /** A bad address: an access to an unmapped page. */
    EFAULT(14),
    /** Busy: the object or frame is in use and cannot be taken or removed now. */
    EBUSY(16),
    /** The object already exists: an overlapping mapping, an occupied slot. */
    EEXIST(17),
    /** No such device: a backing device such as {@code /dev/dax0.0} is missing. */
    ENODEV(19),
    /** Invalid argument: unaligned, out of range, malformed, or an unknown id where the protocol says so. */
    EINVAL(22),
    /** Not supported by this backend or on this machine. */
    EOPNOTSUPP(95),
    /** A stale handle: the object belonged to a backend or generation that is gone. */
    ESTALE(116);

    private final int code;

    Errno(int code) {
        this.code = code;
    }

    /** The positive Linux error number. */
    public int code() {
        return code;
    }

    /**
     * The constant for a positive or negative error number.
     *
     * @throws IllegalArgumentException if the number is not one of these constants
     */
    public static Errno of(long code) {
        long c = Math.abs(code);
        for (Errno e : values()) {
            if (e.code == c) {
                return e;
            }
        }
        throw new IllegalArgumentException("not an AEP-DSM errno: " + code);
    }
}

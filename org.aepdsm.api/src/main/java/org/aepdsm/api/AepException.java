package org.aepdsm.api;

/**
 * An operation failed with an {@link Errno}; the message names the input that
 * was refused and the reason.
 *
 * <p>Every service of AEP-DSM reports failures through this family. An operation
 * that throws has left every object other than the one named unchanged.
 * Instances are immutable and may be shared between threads.
 */
public class AepException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Errno errno;

    /**
     * @param errno   the error number
     * @param message what was refused and why, naming the value
     */
    public AepException(Errno errno, String message) {
        super(errno.name() + ": " + message);
        this.errno = errno;
    }

    /**
     * @param errno   the error number
     * @param message what was refused and why, naming the value
     * @param cause   the underlying failure
     */
    public AepException(Errno errno, String message, Throwable cause) {
        super(errno.name() + ": " + message, cause);
        this.errno = errno;
    }

    /** The error number. */
    public Errno errno() {
        return errno;
    }

    /** The negative error number, as the shadow entry would return it. */
    public long negativeCode() {
        return -errno.code();
    }
}

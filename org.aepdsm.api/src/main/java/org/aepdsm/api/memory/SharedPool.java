package org.aepdsm.api.memory;

import java.lang.foreign.MemorySegment;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A CXL-like region that several nodes, and on the native backend several
 * processes, map at once. Everything stored in it refers to other parts of it by
 * offset, never by address, since each mapper sees it at a different address.
 *
 * <p>Thread-safety: the segment may be accessed from any thread; atomic updates
 * go through {@code VarHandle}s on it. After {@link #close()} or deactivation of the
 * backend the segment is no longer accessible (access throws
 * {@link IllegalStateException}, never touching unmapped memory).
 */
@ProviderType
public interface SharedPool extends AutoCloseable {
    /** The name the pool was opened with. */
    String name();

    /** Its size in bytes. */
    long size();

    /** Whether this open created (and zeroed) the pool, as opposed to attaching to an existing one. */
    boolean created();

    /** The whole pool, offset 0 to {@link #size()}. */
    MemorySegment segment();

    /** Whether the pool can still be used. */
    boolean isOpen();

    /** Unmaps the pool in this process; the pool itself stays for others. Idempotent. */
    @Override
    void close();
}

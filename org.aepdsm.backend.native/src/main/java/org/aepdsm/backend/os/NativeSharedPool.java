package org.aepdsm.backend.os;

import java.lang.foreign.MemorySegment;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.SharedPool;
import org.aepdsm.backend.os.ffm.FileMapping;

/**
 * A shared pool: a {@code /dev/shm} file or a memory device mapped {@code MAP_SHARED} into this
 * process. Other processes that open the same name see the same bytes.
 *
 * <p>Ownership: the opener closes it; the machine closes what is still open on shutdown. Closing
 * unmaps it here only; the file stays for other processes (delete it to remove the pool).
 * Thread-safety: all methods may be called from any thread; the segment's accesses are the
 * caller's to order ({@code VarHandle}s on it for atomics).
 */
final class NativeSharedPool implements SharedPool {
    private final NativeMachine machine;
    private final String name;
    private final FileMapping mapping;
    private final boolean created;
    private volatile boolean open = true;

    NativeSharedPool(NativeMachine machine, String name, FileMapping mapping, boolean created) {
        this.machine = machine;
        this.name = name;
        this.mapping = mapping;
        this.created = created;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return mapping.size();
    }

    @Override
    public boolean created() {
        return created;
    }

    @Override
    public MemorySegment segment() {
        if (!isOpen()) {
            throw new AepException(Errno.ESTALE, "shared pool " + name + " is closed");
        }
        return mapping.segment();
    }

    @Override
    public boolean isOpen() {
        return open && machine.isActive();
    }

    /** The mapping, for the protection domain to tag with a key. */
    FileMapping mapping() {
        return mapping;
    }

    NativeMachine machine() {
        return machine;
    }

    /** Where the pool lives: the file or device path. */
    String location() {
        return mapping.file().description();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (!open) {
                return;
            }
            open = false;
            mapping.close();
            mapping.file().close();
        }
        machine.forget(this);
    }

    @Override
    public String toString() {
        return "shared pool " + name + " at " + location() + " (" + size() + " bytes)";
    }
}

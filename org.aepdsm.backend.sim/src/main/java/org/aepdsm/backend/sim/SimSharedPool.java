package org.aepdsm.backend.sim;

import java.lang.foreign.MemorySegment;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.SharedPool;
import org.aepdsm.backend.sim.phys.PhysicalMemory;

/**
 * One opening of a {@link SharedRegion}: its bytes seen through a view of this handle, so that
 * {@link #close()} makes this handle's segment inaccessible while other handles keep theirs.
 *
 * <p>Thread-safety: all methods may be called from any thread; the segment is shared memory and
 * as racy as real memory. Ownership: the handle owns its view; the machine owns the bytes and
 * closes every handle's view before freeing them.
 */
final class SimSharedPool implements SharedPool {
    private final SimMachine machine;
    private final SharedRegion region;
    private final boolean created;
    private final long size;
    private final PhysicalMemory.View view;
    private volatile boolean open = true;

    SimSharedPool(SimMachine machine, SharedRegion region, boolean created, PhysicalMemory.View view) {
        this.machine = machine;
        this.region = region;
        this.created = created;
        this.size = region.bytes();
        this.view = view;
    }

    @Override
    public String name() {
        return region.name();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean created() {
        return created;
    }

    @Override
    public MemorySegment segment() {
        if (!machine.isActive()) {
            throw new AepException(Errno.ESTALE, "shared pool '" + region.name()
                    + "' belongs to a sim backend that is no longer active");
        }
        if (!open) {
            throw new AepException(Errno.ESTALE, "shared pool '" + region.name() + "' is closed");
        }
        return view.segment();
    }

    @Override
    public boolean isOpen() {
        return open && machine.isActive();
    }

    @Override
    public void close() {
        machine.closeSharedPool(this);
    }

    SimMachine machine() {
        return machine;
    }

    SharedRegion region() {
        return region;
    }

    /** Makes the segment inaccessible; called by the machine under its lock. Idempotent. */
    void release() {
        if (open) {
            open = false;
            view.close();
        }
    }

    @Override
    public String toString() {
        return "SimSharedPool['" + region.name() + "', " + size + " bytes]";
    }
}

package org.aepdsm.backend.os;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.api.memory.SubtreeExport;
import org.aepdsm.api.memory.SubtreeSet;
import org.aepdsm.api.memory.SubtreeSupport;

/**
 * Builds {@link NativeSubtreeSet}s: objects as ranges of the node's pool file, and attaches those
 * other processes exported. Thread-safe; the caller owns each set.
 */
final class NativeSubtreeSupport implements SubtreeSupport {
    private final NativeMachine machine;

    NativeSubtreeSupport(NativeMachine machine) {
        this.machine = machine;
    }

    @Override
    public SubtreeSet build(int node, long size, Protection protection) {
        machine.checkActive();
        if (node != 0) {
            throw new AepException(Errno.EINVAL, "node " + node + " is outside 0..0 of the native backend");
        }
        NativeSubtreeSet.checkSize(size);
        if (protection == null) {
            throw new AepException(Errno.EINVAL, "protection is required");
        }
        NativeFramePool pool = (NativeFramePool) machine.framePool(0);
        long frames = size / PageSize.FRAME_BYTES;
        if (pool.freeFrames() < frames) {
            throw new AepException(Errno.ENOMEM, "size " + size + " needs " + frames + " frames; "
                    + pool.name() + " has " + pool.freeFrames() + " free");
        }
        NativeSubtreeSet set = new NativeSubtreeSet(machine, pool, protection);
        set.grow((int) (size / NativeSubtreeSet.CHUNK_BYTES));
        return set;
    }

    /**
     * Opens the exporter's pool file ({@link ExportedPoolFile}), makes a borrowed pool in which only the
     * exported blocks exist, and a set over them. Nothing stays open if a step fails.
     */
    @Override
    public SubtreeSet attach(SubtreeExport export, Protection protection) {
        machine.checkActive();
        if (protection == null) {
            throw new AepException(Errno.EINVAL, "protection is required");
        }
        ExportedPoolFile.Opened opened = ExportedPoolFile.open(export, machine.shmDirectory());
        NativeFramePool borrowed;
        try {
            borrowed = NativeFramePool.borrowed(machine, opened.file(), export.runs());
        } catch (AepException e) {
            opened.file().close();
            throw e;
        }
        machine.adoptBorrowed(borrowed);
        return NativeSubtreeSet.attached(machine, borrowed, export.runs(), protection, opened.lender());
    }
}

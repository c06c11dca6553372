package org.aepdsm.backend.sim;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.api.memory.SubtreeSet;
import org.aepdsm.api.memory.SubtreeSupport;
import org.aepdsm.backend.sim.paging.ObjectTables;

/**
 * Builds {@link SimSubtreeSet}s on a {@link SimMachine}. An object whose frames fit in the node's
 * free memory takes pinned 2 MiB blocks of the node's pool; a larger one takes chunks of the
 * machine's {@link SparseBank}, so objects of many GiB cost page tables only.
 *
 * <p>Thread-safety: all methods may be called from any thread. Ownership: the caller owns each set.
 */
final class SimSubtreeSupport implements SubtreeSupport {
    private final SimMachine machine;

    SimSubtreeSupport(SimMachine machine) {
        this.machine = machine;
    }

    @Override
    public SubtreeSet build(int node, long size, Protection protection) {
        machine.checkActive();
        if (node < 0 || node >= machine.config().nodes()) {
            throw new AepException(Errno.EINVAL, "node " + node + " is outside 0.." + (machine.config().nodes() - 1));
        }
        SimSubtreeSet.checkSize(size);
        if (protection == null) {
            throw new AepException(Errno.EINVAL, "protection is required");
        }
        int chunks = (int) (size / ObjectTables.CHUNK_BYTES);
        boolean sparse = machine.dram(node).freeFrames() < (long) chunks * PageSize.SIZE_2M.frames();
        if (sparse && machine.sparseBank().freeChunks() < chunks) {
            throw new AepException(Errno.ENOMEM, "size " + size + " exceeds node " + node + "'s free memory and the "
                    + "sparse bank's " + machine.sparseBank().freeChunks() + " free 2 MiB chunks");
        }
        SimSubtreeSet set = new SimSubtreeSet(machine, node, sparse, protection);
        set.grow(chunks);
        return set;
    }
}

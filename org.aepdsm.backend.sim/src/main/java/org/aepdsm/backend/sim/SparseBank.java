package org.aepdsm.backend.sim;

import java.util.BitSet;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.backend.sim.paging.ObjectTables;
import org.aepdsm.backend.sim.phys.PhysicalMemory;

/**
 * Simulated memory beyond the nodes' DRAM for objects larger than a node: one physical bank the
 * host reserves without backing, handed out in 2 MiB chunks. Untouched chunks cost the host
 * nothing, so an object of many GiB costs only its page tables until its pages are used.
 *
 * <pre>
 *   bank (nodes + 1):  [ chunk 0 | chunk 1 | ... ]   used: one bit per chunk
 *   chunk k  =  physical address bankBase + k * 2 MiB
 * </pre>
 *
 * <p>The frames belong to no {@link SimFramePool}: translations report frame -1 for them, as for
 * page-table memory. Thread-safety: all methods may be called from any thread (one lock).
 * Ownership: a chunk belongs to whoever allocated it until freed.
 */
final class SparseBank {
    /** Bytes reserved: the largest bank. */
    static final long BYTES = PhysicalMemory.MAX_BANK_BYTES;

    private final PhysicalMemory memory;
    private final long base;
    private final int chunkCount;
    private final BitSet used;
    private int usedChunks;

    SparseBank(PhysicalMemory memory, int bank) {
        this.memory = memory;
        this.base = PhysicalMemory.bankBase(bank);
        this.chunkCount = (int) (memory.bankBytes(bank) / ObjectTables.CHUNK_BYTES);
        this.used = new BitSet(chunkCount);
    }

    /** Chunks not allocated. */
    synchronized int freeChunks() {
        return chunkCount - usedChunks;
    }

    /**
     * A zero-reading chunk.
     *
     * @return its physical address
     * @throws AepException {@code ENOMEM} when every chunk is in use
     */
    synchronized long allocate() {
        int k = used.nextClearBit(0);
        if (k >= chunkCount) {
            throw new AepException(Errno.ENOMEM, "the sparse bank of " + (BYTES >> 30) + " GiB is exhausted");
        }
        used.set(k);
        usedChunks++;
        long pa = base + k * ObjectTables.CHUNK_BYTES;
        memory.zero(pa, ObjectTables.CHUNK_BYTES);
        return pa;
    }

    /** Returns a chunk; its host pages are dropped. */
    synchronized void free(long pa) {
        int k = (int) ((pa - base) / ObjectTables.CHUNK_BYTES);
        if (k < 0 || k >= chunkCount || !used.get(k)) {
            throw new IllegalStateException("sparse chunk at 0x" + Long.toHexString(pa) + " is not allocated");
        }
        used.clear(k);
        usedChunks--;
        memory.zero(pa, ObjectTables.CHUNK_BYTES);
    }
}

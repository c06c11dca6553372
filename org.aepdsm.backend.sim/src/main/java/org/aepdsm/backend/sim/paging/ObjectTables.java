package org.aepdsm.backend.sim.paging;

import java.util.Arrays;
import java.util.function.LongUnaryOperator;

import org.aepdsm.backend.sim.phys.PhysicalMemory;

/**
 * The page-table subtrees of one large object (a morsel), built once in simulated memory and
 * linked into any number of page tables.
 *
 * <pre>
 *   object offset:  0          1 GiB        2 GiB                 size
 *                   |  GiB 0    |   GiB 1    | chunk c | chunk c+1 |
 *   subtrees:       PD g0       PD g1        PT c      PT c+1        (1 GiB and 2 MiB subtrees)
 *                   |-- 512 PDEs -> PT 0..511 of the chunks of that GiB
 *   PT of chunk c:  512 PTEs -> the 4 KiB frames of the chunk's 2 MiB frame block
 *
 *   chunkTable[c]   physical address of the PT of chunk c (every chunk has one)
 *   gigTable[g]     physical address of the PD of whole GiB g (chunks 512g .. 512g+511)
 * </pre>
 *
 * <p>A link writes one PDPTE per PD and one PDE per PT after the last whole GiB; the linking tree
 * marks those entries {@link Pte#SW_LINK} and never frees these tables. Invariants: the PD of GiB
 * {@code g} exists exactly while chunks {@code 512g .. 512g+511} all exist; every table here is
 * owned by this object and freed only by {@link #truncate} or {@link #free}.
 *
 * <p>Thread-safety: none; the owning subtree set serialises calls.
 */
public final class ObjectTables {
    /** Bytes one chunk (and one PT) covers. */
    public static final long CHUNK_BYTES = 1L << 21;
    /** Chunks under one PD. */
    public static final int CHUNKS_PER_GIB = PageTable.ENTRIES;

    private final PhysicalMemory memory;
    private final TableFrames frames;
    private long[] chunkTable = new long[16];
    private long[] gigTable = new long[1];
    private int chunks;
    private long tablePages;
    private long entriesBuilt;

    /**
     * No chunks yet.
     *
     * @param memory where the tables live
     * @param frames where table frames come from
     */
    public ObjectTables(PhysicalMemory memory, TableFrames frames) {
        this.memory = memory;
        this.frames = frames;
    }

    /** Chunks (2 MiB each). */
    public int chunks() {
        return chunks;
    }

    /** Whole GiBs, each a 1 GiB subtree. */
    public int gigabytes() {
        return chunks / CHUNKS_PER_GIB;
    }

    /** Chunks after the last whole GiB, each a 2 MiB subtree. */
    public int tailChunks() {
        return chunks % CHUNKS_PER_GIB;
    }

    /** The PD of whole GiB {@code g}. */
    public long gigabyteTable(int g) {
        return gigTable[g];
    }

    /** The PT of chunk {@code c}. */
    public long chunkTable(int c) {
        return chunkTable[c];
    }

    /** Table frames owned now. */
    public long tablePages() {
        return tablePages;
    }

    /** Entries written by every append so far. */
    public long entriesBuilt() {
        return entriesBuilt;
    }

    /**
     * Adds a chunk whose 512 frames start at physical address {@code framesAddress}: a PT with one
     * leaf per frame, and the PD of its GiB once the GiB is whole.
     *
     * @throws org.aepdsm.api.AepException {@code ENOMEM} from the table frames; nothing is added then
     */
    public void append(long framesAddress, long leafFlags) {
        long pt = frames.allocateTable();
        tablePages++;
        for (int i = 0; i < PageTable.ENTRIES; i++) {
            memory.writeLong(pt + ((long) i << 3), (framesAddress + ((long) i << 12)) | leafFlags);
        }
        entriesBuilt += PageTable.ENTRIES;
        if (chunks == chunkTable.length) {
            chunkTable = Arrays.copyOf(chunkTable, chunks * 2);
        }
        chunkTable[chunks] = pt;
        if ((chunks + 1) % CHUNKS_PER_GIB == 0) {
            long pd;
            try {
                pd = frames.allocateTable();
            } catch (RuntimeException e) {
                frames.freeTable(pt);
                tablePages--;
                throw e;
            }
            tablePages++;
            int first = chunks + 1 - CHUNKS_PER_GIB;
            for (int i = 0; i < CHUNKS_PER_GIB; i++) {
                memory.writeLong(pd + ((long) i << 3), chunkTable[first + i] | Pte.TABLE_FLAGS);
            }
            entriesBuilt += CHUNKS_PER_GIB;
            int g = (chunks + 1) / CHUNKS_PER_GIB - 1;
            if (g == gigTable.length) {
                gigTable = Arrays.copyOf(gigTable, g * 2);
            }
            gigTable[g] = pd;
        }
        chunks++;
    }

    /** Removes chunks from the end down to {@code keep}, freeing their PTs and any PD no longer whole. */
    public void truncate(int keep) {
        while (chunks > keep) {
            if (chunks % CHUNKS_PER_GIB == 0) {
                int g = chunks / CHUNKS_PER_GIB - 1;
                frames.freeTable(gigTable[g]);
                gigTable[g] = 0;
                tablePages--;
            }
            chunks--;
            frames.freeTable(chunkTable[chunks]);
            chunkTable[chunks] = 0;
            tablePages--;
        }
    }

    /** Frees every table. */
    public void free() {
        truncate(0);
    }

    /** The leaf entry of the 4 KiB page at {@code offset} (which the caller keeps inside the object). */
    public long leaf(long offset) {
        return memory.readLong(leafAddress(offset));
    }

    /** Rewrites the leaves of the pages in {@code [offset, offset + length)}. */
    public void rewrite(long offset, long length, LongUnaryOperator rewrite) {
        for (long o = offset; o < offset + length; o += 4096) {
            long ea = leafAddress(o);
            memory.writeLong(ea, rewrite.applyAsLong(memory.readLong(ea)));
        }
    }

    private long leafAddress(long offset) {
        return chunkTable[(int) (offset >>> 21)] + (((offset >>> 12) & (PageTable.ENTRIES - 1)) << 3);
    }
}

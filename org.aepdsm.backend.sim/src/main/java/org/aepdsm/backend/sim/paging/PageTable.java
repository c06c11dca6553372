package org.aepdsm.backend.sim.paging;

import java.util.function.LongUnaryOperator;

import org.aepdsm.backend.sim.phys.PhysicalMemory;

/**
 * An x86-64 4-level page table kept in simulated physical memory, walked as the MMU walks it.
 *
 * <pre>
 *   47       39 38       30 29       21 20       12 11          0
 *  +-----------+-----------+-----------+-----------+-------------+
 *  | PML4 index| PDPT index|  PD index |  PT index |   offset    |
 *  +-----------+-----------+-----------+-----------+-------------+
 *
 *  root ("CR3") --> PML4 --> PDPT --+--> PD --+--> PT --> 4 KiB page   (level 1 leaf)
 *                                   |         +--> PDE.PS: 2 MiB page  (level 2 leaf)
 *                                   +--> PDPTE.PS: 1 GiB page          (level 3 leaf)
 *  level:          4         3           2          1
 * </pre>
 *
 * <p>Each table is one 4 KiB frame of 512 little-endian 8-byte entries in the {@link Pte}
 * layout. Invariants: a table frame exists only while at least one of its entries is
 * non-zero, the PML4 included ({@link #root()} is 0 while nothing is mapped), so the
 * page-table memory of an address space follows what it maps, as the kernel's does; a
 * non-leaf entry is {@link Pte#TABLE_FLAGS} plus the child's address (plus A once walked); an
 * entry that maps nothing is all zero.
 *
 * <p>Thread-safety: none; the owning address space serialises every call. The results of the
 * last {@link #walk} are kept in fields so the walk allocates nothing.
 */
public final class PageTable {
    /** The number of entries in one table. */
    public static final int ENTRIES = 512;
    private static final long ALL = 1L << 48;

    private final PhysicalMemory memory;
    private final TableFrames frames;
    private long root;
    private long tablePages;
    private int lastLevel;
    private long lastEntryAddress;
    private int lastReferences;
    private boolean lastRestricted;

    /**
     * An empty page table.
     *
     * @param memory where the tables live
     * @param frames where table frames come from and go back to
     */
    public PageTable(PhysicalMemory memory, TableFrames frames) {
        this.memory = memory;
        this.frames = frames;
    }

    /** The physical address of the PML4, or 0 while nothing is mapped. */
    public long root() {
        return root;
    }

    /** Frames holding tables now. */
    public long tablePages() {
        return tablePages;
    }

    /**
     * Walks from the root to the leaf entry mapping {@code va}, reading one entry per level.
     *
     * @return the leaf entry (non-zero, present or a PROT_NONE leaf), or 0 if no leaf maps {@code va}
     */
    public long walk(long va) {
        lastLevel = 0;
        lastEntryAddress = 0;
        lastReferences = 0;
        long table = root;
        if (table == 0) {
            return 0;
        }
        lastRestricted = false;
        long denyWrite = 0;
        long denyExec = 0;
        for (int level = 4;; level--) {
            long ea = table + (((va >>> Pte.shift(level)) & (ENTRIES - 1)) << 3);
            long e = memory.readLong(ea);
            lastReferences++;
            if (e == 0) {
                return 0;
            }
            if (Pte.isLeaf(e, level)) {
                lastLevel = level;
                lastEntryAddress = ea;
                if ((denyWrite | denyExec) == 0) {
                    return e;
                }
                lastRestricted = true;
                return (e & ~denyWrite) | denyExec;
            }
            denyWrite |= ~e & Pte.RW;
            denyExec |= e & Pte.NX;
            table = Pte.address(e);
        }
    }

    /** The level of the leaf the last {@link #walk} found (1, 2, 3), or 0. */
    public int lastLevel() {
        return lastLevel;
    }

    /** The physical address of the leaf entry the last {@link #walk} found, or 0. */
    public long lastEntryAddress() {
        return lastEntryAddress;
    }

    /** The entries the last {@link #walk} read. */
    public int lastReferences() {
        return lastReferences;
    }

    /**
     * Rewrites one entry in place (accessed and dirty bits). When the last {@link #walk} returned a
     * leaf narrowed by an upper-level entry, the leaf's own RW and NX bits are kept, so the
     * restriction of one path never leaks into a leaf that other paths share.
     */
    public void writeEntry(long entryAddress, long entry) {
        if (lastRestricted && entryAddress == lastEntryAddress) {
            long own = memory.readLong(entryAddress) & (Pte.RW | Pte.NX);
            entry = (entry & ~(Pte.RW | Pte.NX)) | own;
        }
        memory.writeLong(entryAddress, entry);
    }

    /**
     * Writes a non-leaf entry at {@code level} (2: a PDE, 3: a PDPTE) for {@code va} that points at a
     * table owned elsewhere, creating this tree's tables above it. The entry carries
     * {@link Pte#SW_LINK}; {@link #clear} zeroes it without touching the linked table.
     *
     * @param rights RW and NX to narrow the pages below ({@link Pte#RW} and/or {@link Pte#NX})
     * @return the entries written: the link and the parent entries of the tables created
     * @throws org.aepdsm.api.AepException {@code ENOMEM} from the table frames (tables created so far stay,
     *                                     empty; {@link #unlink} or {@link #clear} removes them)
     * @throws IllegalStateException       if the slot or a slot above it is in use by a leaf or a table
     */
    public long link(long va, int level, long tableAddress, long rights) {
        long written = 0;
        if (root == 0) {
            root = newTable();
        }
        long table = root;
        for (int l = 4; l > level; l--) {
            long ea = table + (((va >>> Pte.shift(l)) & (ENTRIES - 1)) << 3);
            long e = memory.readLong(ea);
            if (e == 0) {
                long child = newTable();
                memory.writeLong(ea, child | Pte.TABLE_FLAGS);
                written++;
                table = child;
            } else if (Pte.isLeaf(e, l) || (e & Pte.SW_LINK) != 0) {
                throw new IllegalStateException("address 0x" + Long.toHexString(va) + " is inside a level " + l
                        + " page or link");
            } else {
                table = Pte.address(e);
            }
        }
        long ea = table + (((va >>> Pte.shift(level)) & (ENTRIES - 1)) << 3);
        if (memory.readLong(ea) != 0) {
            throw new IllegalStateException("the level " + level + " slot of address 0x" + Long.toHexString(va)
                    + " is in use");
        }
        long flags = Pte.P | Pte.US | Pte.SW_LINK | (rights & Pte.RW) | (rights & Pte.NX);
        memory.writeLong(ea, Pte.address(tableAddress) | flags);
        return written + 1;
    }

    /**
     * Zeroes the linked entry at {@code level} for {@code va} and frees this tree's tables left empty
     * above it; the linked table itself is untouched.
     *
     * @return the entries cleared: the link and the parent entries of the tables freed
     */
    public long unlink(long va, int level) {
        if (root == 0) {
            return 0;
        }
        long[] path = new long[5];
        long table = root;
        for (int l = 4; l > level; l--) {
            path[l] = table;
            long e = memory.readLong(table + (((va >>> Pte.shift(l)) & (ENTRIES - 1)) << 3));
            if (e == 0 || Pte.isLeaf(e, l) || (e & Pte.SW_LINK) != 0) {
                return 0;
            }
            table = Pte.address(e);
        }
        long ea = table + (((va >>> Pte.shift(level)) & (ENTRIES - 1)) << 3);
        if ((memory.readLong(ea) & Pte.SW_LINK) == 0) {
            return 0;
        }
        memory.writeLong(ea, 0);
        long cleared = 1;
        for (int l = level; l < 4 && isEmpty(table); l++) {
            long parent = path[l + 1];
            freeTable(table);
            memory.writeLong(parent + (((va >>> Pte.shift(l + 1)) & (ENTRIES - 1)) << 3), 0);
            cleared++;
            table = parent;
        }
        if (isEmpty(root)) {
            freeTable(root);
            root = 0;
        }
        return cleared;
    }

    /**
     * Writes the leaf entry for {@code va} at {@code level}, creating the tables above it.
     * On failure the tables created so far stay (empty); {@link #clear} over the range removes them.
     *
     * @throws org.aepdsm.api.AepException {@code ENOMEM} from the table frames
     * @throws IllegalStateException       if a larger page already maps {@code va}
     */
    public void install(long va, int level, long entry) {
        if (root == 0) {
            root = newTable();
        }
        long table = root;
        for (int l = 4; l > level; l--) {
            long ea = table + (((va >>> Pte.shift(l)) & (ENTRIES - 1)) << 3);
            long e = memory.readLong(ea);
            if (e == 0) {
                long child = newTable();
                memory.writeLong(ea, child | Pte.TABLE_FLAGS);
                table = child;
            } else if (Pte.isLeaf(e, l)) {
                throw new IllegalStateException("address 0x" + Long.toHexString(va) + " is inside a level " + l
                        + " page");
            } else {
                table = Pte.address(e);
            }
        }
        long ea = table + (((va >>> Pte.shift(level)) & (ENTRIES - 1)) << 3);
        long old = memory.readLong(ea);
        if (old != 0 && !Pte.isLeaf(old, level)) {
            throw new IllegalStateException("address 0x" + Long.toHexString(va) + " has tables below level " + level);
        }
        memory.writeLong(ea, entry);
    }

    /** Receives leaf entries of a range. */
    @FunctionalInterface
    public interface LeafVisitor {
        /** A leaf at {@code level} mapping the page that starts at {@code va}. */
        void leaf(long va, int level, long entry);
    }

    /** Visits every leaf whose page starts in {@code [start, end)}, in address order. */
    public void forEachLeaf(long start, long end, LeafVisitor visitor) {
        if (root != 0) {
            visit(root, 4, 0, start, end, visitor, null, false);
        }
    }

    /**
     * Rewrites every leaf whose page starts in {@code [start, end)}. The caller makes sure no
     * leaf straddles the range's edges.
     */
    public void update(long start, long end, LongUnaryOperator rewrite) {
        if (root != 0) {
            visit(root, 4, 0, start, end, null, rewrite, false);
        }
    }

    /**
     * Zeroes every leaf whose page starts in {@code [start, end)}, telling the visitor first,
     * and frees every table left empty, up to the root.
     */
    public void clear(long start, long end, LeafVisitor visitor) {
        if (root == 0) {
            return;
        }
        visit(root, 4, 0, start, end, visitor, null, true);
        if (isEmpty(root)) {
            freeTable(root);
            root = 0;
        }
    }

    /** Zeroes every leaf and frees every table. */
    public void clearAll(LeafVisitor visitor) {
        clear(0, ALL, visitor);
    }

    private void visit(long table, int level, long tableVa, long start, long end, LeafVisitor visitor,
            LongUnaryOperator rewrite, boolean clear) {
        int shift = Pte.shift(level);
        long span = 1L << shift;
        long lo = Math.max(start, tableVa);
        long hi = Math.min(end, tableVa + span * ENTRIES);
        if (lo >= hi) {
            return;
        }
        int first = (int) ((lo - tableVa) >>> shift);
        int last = (int) ((hi - 1 - tableVa) >>> shift);
        for (int i = first; i <= last; i++) {
            long ea = table + ((long) i << 3);
            long e = memory.readLong(ea);
            if (e == 0) {
                continue;
            }
            long va = tableVa + i * span;
            if (Pte.isLeaf(e, level)) {
                if (va < start) {
                    continue;
                }
                if (visitor != null) {
                    visitor.leaf(va, level, e);
                }
                if (clear) {
                    memory.writeLong(ea, 0);
                } else if (rewrite != null) {
                    memory.writeLong(ea, rewrite.applyAsLong(e));
                }
            } else if ((e & Pte.SW_LINK) != 0 && (clear || rewrite != null)) {
                if (clear) {
                    memory.writeLong(ea, 0);
                }
            } else {
                long child = Pte.address(e);
                visit(child, level - 1, va, start, end, visitor, rewrite, clear);
                if (clear && isEmpty(child)) {
                    memory.writeLong(ea, 0);
                    freeTable(child);
                }
            }
        }
    }

    private boolean isEmpty(long table) {
        for (int i = 0; i < ENTRIES; i++) {
            if (memory.readLong(table + ((long) i << 3)) != 0) {
                return false;
            }
        }
        return true;
    }

    private long newTable() {
        long t = frames.allocateTable();
        tablePages++;
        return t;
    }

    private void freeTable(long table) {
        frames.freeTable(table);
        tablePages--;
    }

    /**
     * Replaces the root by a PML4 built elsewhere (a view whose entries link tables it shares with
     * other page tables), or by 0. The caller has already released what the old root held.
     */
    public void adoptRoot(long newRoot) {
        root = newRoot;
    }

    /** A zero-filled table frame counted as this page table's, for tables built outside {@link #install}. */
    public long allocateTable() {
        return newTable();
    }

    /** Returns a table frame that {@link #allocateTable()} or {@link #install} gave. */
    public void releaseTable(long table) {
        freeTable(table);
    }
}

package org.aepdsm.backend.sim.paging;

/**
 * The bits of an x86-64 page-table entry (Intel SDM vol. 3, 4-level paging), as stored in
 * the simulated frames, plus the three bits the hardware leaves to software.
 *
 * <pre>
 *  63  62..59  58..52  51 ............. 12  11   10   9   8  7  6  5  4   3   2  1  0
 * +--+-------+-------+---------------------+----+----+---+--+--+--+--+---+---+--+--+--+
 * |NX| pkey  |  (0)  | physical frame (PFN) |PNON|OWN |COW| G|PS| D| A|PCD|PWT|US|RW| P|
 * +--+-------+-------+---------------------+----+----+---+--+--+--+--+---+---+--+--+--+
 *   PS is meaningful in PDPTEs (1 GiB page) and PDEs (2 MiB page); in a PTE bit 7 is PAT.
 *   Software bits (ignored by the MMU):
 *     9  COW   the page is shared copy-on-write; RW is clear so a store faults
 *     10 OWN   the frame was allocated by the address space (demand fill or copy) and is freed with it
 *     11 PNON  PROT_NONE: P is clear but the frame stays assigned (Linux's _PAGE_PROTNONE idea)
 *   In a non-leaf entry, software bit 52 (LINK) marks a table owned by someone else (a morsel's
 *   subtree linked into this tree): walks go through it, but clearing the tree only zeroes the
 *   entry and never frees or descends into the linked table. RW clear or NX set in a non-leaf
 *   entry restricts every page below it, as on the hardware.
 * </pre>
 *
 * <p>Stateless constants; thread-safe.
 */
public final class Pte {
    /** Present. */
    public static final long P = 1L;
    /** Writable. */
    public static final long RW = 1L << 1;
    /** User accessible. */
    public static final long US = 1L << 2;
    /** Page-level write-through. */
    public static final long PWT = 1L << 3;
    /** Page-level cache disable. */
    public static final long PCD = 1L << 4;
    /** Accessed. */
    public static final long A = 1L << 5;
    /** Dirty (leaf entries). */
    public static final long D = 1L << 6;
    /** Page size: the PDE or PDPTE maps a 2 MiB or 1 GiB page. */
    public static final long PS = 1L << 7;
    /** Global. */
    public static final long G = 1L << 8;
    /** Software: copy-on-write. */
    public static final long SW_COW = 1L << 9;
    /** Software: the frame belongs to the address space. */
    public static final long SW_OWNED = 1L << 10;
    /** Software: PROT_NONE page whose frame stays assigned. */
    public static final long SW_PROTNONE = 1L << 11;
    /** Software, non-leaf entries: the child table is linked from elsewhere and not owned by this tree. */
    public static final long SW_LINK = 1L << 52;
    /** The physical address bits 12..51. */
    public static final long PFN_MASK = 0x000F_FFFF_FFFF_F000L;
    /** The first bit of the protection key. */
    public static final int PKEY_SHIFT = 59;
    /** The protection key bits 59..62. */
    public static final long PKEY_MASK = 0xFL << PKEY_SHIFT;
    /** Execute disable. */
    public static final long NX = 1L << 63;
    /** What a table (non-leaf) entry carries besides the child's address. */
    public static final long TABLE_FLAGS = P | RW | US;

    private Pte() {
    }

    /** Whether the entry is a leaf at {@code level} (1 = PT, 2 = PD, 3 = PDPT). */
    public static boolean isLeaf(long entry, int level) {
        return level == 1 || (entry & PS) != 0;
    }

    /** The physical address the entry points at. */
    public static long address(long entry) {
        return entry & PFN_MASK;
    }

    /** The page size shift of a leaf at {@code level}: 12, 21 or 30. */
    public static int shift(int level) {
        return 12 + 9 * (level - 1);
    }
}

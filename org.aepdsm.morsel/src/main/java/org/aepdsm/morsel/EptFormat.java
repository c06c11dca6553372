package org.aepdsm.morsel;

/**
 * Translation of x86-64 (AMD64) leaf entries into Intel EPT leaf entries and back, losing nothing:
 * what EPT cannot hold goes into a side word kept next to the EPT entry.
 *
 * <pre>
 *  AMD64 leaf (leader)                         EPT leaf (secondary)
 *   0 P                        ------------->   0 R        (R = P)
 *   1 RW                       -- if P ----->   1 W        (W = P and RW; W without R is a misconfiguration)
 *  63 NX                       -- if P ----->   2 X        (X = P and not NX)
 *   3 PWT, 4 PCD, PAT          -- WB if 0 -->   5:3 memory type: 6 (WB) for the default cache mode,
 *                                               0 (UC) otherwise; 6 ignore-PAT = 1 (EPT type rules)
 *   7 PS (PDE/PDPTE)           ------------->   7 large page
 *   5 A                        ------------->   8 A
 *   6 D                        ------------->   9 D
 *  51:12 PFN                   ------------->   51:12 PFN
 *
 *  side word (what EPT cannot encode), as AMD64 bits in their own places:
 *   US 2, PWT 3, PCD 4, PAT (bit 7 of a 4 KiB PTE, bit 12 of a large leaf), G 8, software 9-11 and
 *   52-58, protection key 62:59; RW and NX too while P is clear (EPT has no "not present but
 *   writable"). EPT bits 10, 11, 52-63 stay 0: no leader bit lands in an EPT field it does not mean.
 * </pre>
 *
 * <p>Invariant: {@code toAmd64(toEpt(e, level), side(e, level), level) == e} for every entry
 * (tested exhaustively over the bits and with random words). Stateless; thread-safe.
 */
public final class EptFormat {
    /** AMD64 bits. */
    static final long P = 1L;
    static final long RW = 1L << 1;
    static final long US = 1L << 2;
    static final long PWT = 1L << 3;
    static final long PCD = 1L << 4;
    static final long A = 1L << 5;
    static final long D = 1L << 6;
    static final long PS_OR_PAT = 1L << 7;
    static final long LARGE_PAT = 1L << 12;
    static final long NX = 1L << 63;
    static final long PFN = 0x000F_FFFF_FFFF_F000L;
    /** EPT bits. */
    public static final long EPT_READ = 1L;
    public static final long EPT_WRITE = 1L << 1;
    public static final long EPT_EXECUTE = 1L << 2;
    public static final int EPT_MEMORY_TYPE_SHIFT = 3;
    public static final long EPT_MEMORY_TYPE = 7L << EPT_MEMORY_TYPE_SHIFT;
    public static final long EPT_IGNORE_PAT = 1L << 6;
    public static final long EPT_LARGE = 1L << 7;
    public static final long EPT_ACCESSED = 1L << 8;
    public static final long EPT_DIRTY = 1L << 9;
    /** Memory types. */
    public static final int MEMORY_TYPE_UC = 0;
    public static final int MEMORY_TYPE_WB = 6;

    private EptFormat() {
    }

    /** The EPT entry for an AMD64 leaf at {@code level} (1: 4 KiB PTE, 2: 2 MiB PDE, 3: 1 GiB PDPTE). */
    public static long toEpt(long amd64, int level) {
        if (amd64 == 0) {
            return 0;
        }
        long pfn = pfnBits(amd64, level);
        long e = pfn;
        boolean present = (amd64 & P) != 0;
        if (present) {
            e |= EPT_READ;
            if ((amd64 & RW) != 0) {
                e |= EPT_WRITE;
            }
            if ((amd64 & NX) == 0) {
                e |= EPT_EXECUTE;
            }
        }
        long cache = amd64 & (PWT | PCD | patBit(level));
        e |= (long) (cache == 0 ? MEMORY_TYPE_WB : MEMORY_TYPE_UC) << EPT_MEMORY_TYPE_SHIFT;
        e |= EPT_IGNORE_PAT;
        if (level > 1 && (amd64 & PS_OR_PAT) != 0) {
            e |= EPT_LARGE;
        }
        if ((amd64 & A) != 0) {
            e |= EPT_ACCESSED;
        }
        if ((amd64 & D) != 0) {
            e |= EPT_DIRTY;
        }
        return e;
    }

    /** The bits of an AMD64 leaf that {@link #toEpt} cannot carry. */
    public static long side(long amd64, int level) {
        if (amd64 == 0) {
            return 0;
        }
        long carried = pfnBits(amd64, level) | P | A | D;
        if (level > 1) {
            carried |= PS_OR_PAT;
        }
        if ((amd64 & P) != 0) {
            carried |= RW | NX;
        }
        return amd64 & ~carried;
    }

    /** The AMD64 leaf an EPT entry and its side word came from. */
    public static long toAmd64(long ept, long side, int level) {
        if (ept == 0 && side == 0) {
            return 0;
        }
        long e = (ept & pfnMask(level)) | side;
        if ((ept & EPT_READ) != 0) {
            e |= P;
            if ((ept & EPT_WRITE) != 0) {
                e |= RW;
            }
            if ((ept & EPT_EXECUTE) == 0) {
                e |= NX;
            }
        }
        if (level > 1 && (ept & EPT_LARGE) != 0) {
            e |= PS_OR_PAT;
        }
        if ((ept & EPT_ACCESSED) != 0) {
            e |= A;
        }
        if ((ept & EPT_DIRTY) != 0) {
            e |= D;
        }
        return e;
    }

    /** The memory type field of an EPT entry. */
    public static int memoryType(long ept) {
        return (int) ((ept & EPT_MEMORY_TYPE) >>> EPT_MEMORY_TYPE_SHIFT);
    }

    private static long patBit(int level) {
        return level == 1 ? PS_OR_PAT : LARGE_PAT;
    }

    /** The address bits of a leaf: 51:12 of a PTE; of a large leaf without its PAT bit 12. */
    private static long pfnMask(int level) {
        return level == 1 ? PFN : PFN & ~LARGE_PAT;
    }

    private static long pfnBits(long amd64, int level) {
        return amd64 & pfnMask(level);
    }
}

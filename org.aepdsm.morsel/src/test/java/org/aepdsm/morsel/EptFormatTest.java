package org.aepdsm.morsel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class EptFormatTest {
    private static final long SEED = 20240917L;

    @Test
    void everyAmd64LeafRoundTripsThroughEptAndTheSideWord() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < 200_000; i++) {
            long e = random.nextLong();
            int level = 1 + random.nextInt(3);
            long ept = EptFormat.toEpt(e, level);
            long side = EptFormat.side(e, level);
            assertEquals(e, EptFormat.toAmd64(ept, side, level),
                    "seed " + SEED + " entry 0x" + Long.toHexString(e) + " level " + level);
        }
    }

    @Test
    void eachSingleBitRoundTripsAtEveryLevel() {
        for (int level = 1; level <= 3; level++) {
            for (int bit = 0; bit < 64; bit++) {
                long e = 1L << bit;
                assertEquals(e, EptFormat.toAmd64(EptFormat.toEpt(e, level), EptFormat.side(e, level), level),
                        "bit " + bit + " level " + level);
                long p = e | EptFormat.P;
                assertEquals(p, EptFormat.toAmd64(EptFormat.toEpt(p, level), EptFormat.side(p, level), level),
                        "bit " + bit + " with P, level " + level);
            }
        }
    }

    @Test
    void protectionKeyStaysInTheSideWordAndOutOfTheEptEntry() {
        long pfn = 0x1234_5000L;
        long leaf = pfn | EptFormat.P | EptFormat.RW | EptFormat.US | (0xBL << 59);
        long ept = EptFormat.toEpt(leaf, 1);
        assertEquals(0, ept & (0xFFFL << 52), "no leader bit may land in EPT bits 52..63");
        assertEquals(0xBL << 59, EptFormat.side(leaf, 1) & (0xFL << 59));
        assertEquals(leaf, EptFormat.toAmd64(ept, EptFormat.side(leaf, 1), 1));
    }

    @Test
    void permissionsMemoryTypeAndAccessBitsLandInTheirEptFields() {
        long pfn = 0xABCD_E000L;
        long rw = pfn | EptFormat.P | EptFormat.RW | EptFormat.A | EptFormat.D | EptFormat.NX;
        long ept = EptFormat.toEpt(rw, 1);
        assertEquals(EptFormat.EPT_READ | EptFormat.EPT_WRITE, ept & 7, "R and W, no X under NX");
        assertEquals(EptFormat.MEMORY_TYPE_WB, EptFormat.memoryType(ept));
        assertEquals(EptFormat.EPT_IGNORE_PAT, ept & EptFormat.EPT_IGNORE_PAT);
        assertEquals(EptFormat.EPT_ACCESSED | EptFormat.EPT_DIRTY, ept & (EptFormat.EPT_ACCESSED | EptFormat.EPT_DIRTY));
        assertEquals(pfn, ept & 0x000F_FFFF_FFFF_F000L);
        assertEquals(0, ept & EptFormat.EPT_LARGE, "bit 7 of a 4 KiB PTE is PAT, never the EPT large bit");

        long exec = pfn | EptFormat.P;
        assertEquals(EptFormat.EPT_READ | EptFormat.EPT_EXECUTE, EptFormat.toEpt(exec, 1) & 7);
        long uncached = pfn | EptFormat.P | EptFormat.PCD;
        assertEquals(EptFormat.MEMORY_TYPE_UC, EptFormat.memoryType(EptFormat.toEpt(uncached, 1)));

        long large = (1L << 21) | EptFormat.P | EptFormat.PS_OR_PAT;
        assertEquals(EptFormat.EPT_LARGE, EptFormat.toEpt(large, 2) & EptFormat.EPT_LARGE);
    }

    @Test
    void notPresentEntriesKeepTheirRightsInTheSideWord() {
        long protNone = 0x5000L | EptFormat.RW | EptFormat.NX | (1L << 11);
        long ept = EptFormat.toEpt(protNone, 1);
        assertEquals(0, ept & 7, "nothing readable, writable or executable");
        assertEquals(protNone, EptFormat.toAmd64(ept, EptFormat.side(protNone, 1), 1));
    }
}

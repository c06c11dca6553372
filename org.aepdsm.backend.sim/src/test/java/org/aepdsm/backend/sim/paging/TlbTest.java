package org.aepdsm.backend.sim.paging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TlbTest {
    private static final long BASE = 0x1000_0000_0000L;

    @Test
    void leastRecentlyUsedEntryOfASetIsEvicted() {
        Tlb tlb = new Tlb(new TlbGeometry(4, 4, 4, 2, 4, 2));
        long sets = 2;
        long a = BASE;
        long b = BASE + sets * 4096;
        long c = BASE + 2 * sets * 4096;
        tlb.fill(a, 1, 0x1001);
        tlb.fill(b, 1, 0x2001);
        assertEquals(0x1001, tlb.lookup(a));
        tlb.fill(c, 1, 0x3001);
        assertEquals(0x1001, tlb.lookup(a));
        assertTrue(tlb.hitInL1(), "a was used last, so b was the L1 victim");
        assertEquals(0x2001, tlb.lookup(b));
        assertFalse(tlb.hitInL1(), "the L2 (not touched by L1 hits) still holds b");
        assertEquals(0x3001, tlb.lookup(c));
    }

    @Test
    void pageSizesHaveSeparateEntriesAndShootdownsDropOverlaps() {
        Tlb tlb = new Tlb(TlbGeometry.defaults());
        tlb.fill(BASE, 2, 0x20_0081);
        tlb.fill(BASE + (4L << 20), 1, 0x5001);
        assertEquals(0x20_0081, tlb.lookup(BASE + 12345));
        assertEquals(21, tlb.hitShift());
        assertTrue(tlb.hitInL1());
        tlb.invalidate(BASE + 4096, BASE + 8192);
        assertEquals(0, tlb.lookup(BASE), "the 2 MiB entry overlapping the range is gone");
        assertEquals(0x5001, tlb.lookup(BASE + (4L << 20)));
        tlb.flush();
        assertEquals(0, tlb.validEntries());
    }

    @Test
    void anL2HitRefillsTheL1() {
        Tlb tlb = new Tlb(new TlbGeometry(1, 1, 1, 1, 16, 4));
        tlb.fill(BASE, 1, 0x1001);
        tlb.fill(BASE + 4096, 1, 0x2001);
        assertEquals(0x1001, tlb.lookup(BASE));
        assertFalse(tlb.hitInL1(), "the one-entry L1 holds the second page");
        assertEquals(0x1001, tlb.lookup(BASE));
        assertTrue(tlb.hitInL1());
    }
}

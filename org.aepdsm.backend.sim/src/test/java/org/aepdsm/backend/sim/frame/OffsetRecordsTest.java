package org.aepdsm.backend.sim.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OffsetRecordsTest {
    @Test
    void theRecordAtOrBelowGovernsElseTheNearestAbove() {
        OffsetRecords r = new OffsetRecords();
        assertEquals(-1, r.lookup(10));
        r.add(100, 7);
        r.add(50, 3);
        r.add(200, 9);
        assertEquals(3, r.offset(r.lookup(60)));
        assertEquals(7, r.offset(r.lookup(100)));
        assertEquals(9, r.offset(r.lookup(10_000)));
        assertEquals(3, r.offset(r.lookup(10)), "below every record: the lowest one above");
        assertEquals(200, r.nextAbove(100));
        assertEquals(Long.MAX_VALUE, r.nextAbove(200));
    }

    @Test
    void theSixtyFifthRecordOverwritesTheOldest() {
        OffsetRecords r = new OffsetRecords();
        for (int i = 0; i < 100; i++) {
            r.add(1000 + i * 10L, i);
        }
        assertEquals(OffsetRecords.CAPACITY, r.size());
        long lowest = Long.MAX_VALUE;
        for (int s = 0; s < r.size(); s++) {
            lowest = Math.min(lowest, r.vpn(s));
        }
        assertEquals(1000 + 36 * 10L, lowest, "records 0..35 were overwritten, 36..99 remain");
        assertEquals(36, r.offset(r.lookup(1000)), "pages below the oldest remaining record use it");
    }

    @Test
    void aRecordForTheSamePageReplacesTheOffset() {
        OffsetRecords r = new OffsetRecords();
        r.add(5, 1);
        r.add(5, 2);
        assertEquals(1, r.size());
        assertEquals(2, r.offset(r.lookup(5)));
    }
}

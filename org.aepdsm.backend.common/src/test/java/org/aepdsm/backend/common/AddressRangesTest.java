package org.aepdsm.backend.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class AddressRangesTest {
    private static final long P = 0x1000;

    private static void assertRanges(List<long[]> actual, long... bounds) {
        assertEquals(bounds.length / 2, actual.size(), "number of intervals");
        for (int i = 0; i < actual.size(); i++) {
            assertArrayEquals(new long[] {bounds[2 * i], bounds[2 * i + 1]}, actual.get(i), "interval " + i);
        }
    }

    @Test
    void touchingAndOverlappingAddsCoalesceIntoOneInterval() {
        AddressRanges r = new AddressRanges();
        r.add(P, 2 * P);
        r.add(2 * P, 3 * P);
        r.add(5 * P, 6 * P);
        r.add(0, 6 * P);
        assertRanges(r.all(), 0, 6 * P);
    }

    @Test
    void removingTheMiddleSplitsAnInterval() {
        AddressRanges r = new AddressRanges();
        r.add(0, 8 * P);
        r.remove(2 * P, 3 * P);
        assertRanges(r.all(), 0, 2 * P, 3 * P, 8 * P);
        assertFalse(r.contains(2 * P));
        assertTrue(r.contains(3 * P));
        assertTrue(r.contains(2 * P - 1));
    }

    @Test
    void removingAcrossIntervalsCutsBothEndsAndDropsWhatLiesBetween() {
        AddressRanges r = new AddressRanges();
        r.add(0, 2 * P);
        r.add(3 * P, 4 * P);
        r.add(5 * P, 7 * P);
        r.remove(P, 6 * P);
        assertRanges(r.all(), 0, P, 6 * P, 7 * P);
    }

    @Test
    void emptyOrInvertedRangesChangeNothing() {
        AddressRanges r = new AddressRanges();
        r.add(P, P);
        r.add(2 * P, P);
        assertTrue(r.isEmpty());
        r.add(0, P);
        r.remove(P, 0);
        assertRanges(r.all(), 0, P);
    }

    @Test
    void coversNeedsOneIntervalHoldingAllOfTheRangeAndIntersectsAnyPart() {
        AddressRanges r = new AddressRanges();
        r.add(0, 2 * P);
        r.add(3 * P, 4 * P);
        assertTrue(r.covers(0, 2 * P));
        assertFalse(r.covers(P, 4 * P));
        assertTrue(r.intersects(P, 4 * P));
        assertFalse(r.intersects(2 * P, 3 * P));
        assertFalse(r.intersects(4 * P, 5 * P));
    }

    @Test
    void withinClipsIntervalsToTheAskedRange() {
        AddressRanges r = new AddressRanges();
        r.add(0, 2 * P);
        r.add(3 * P, 6 * P);
        assertRanges(r.within(P, 4 * P), P, 2 * P, 3 * P, 4 * P);
        assertRanges(r.within(2 * P, 3 * P));
    }

    @Test
    void aCopyIsIndependentOfItsSource() {
        AddressRanges source = new AddressRanges();
        source.add(0, P);
        AddressRanges copy = new AddressRanges(source);
        source.remove(0, P);
        assertTrue(source.isEmpty());
        assertRanges(copy.all(), 0, P);
    }
}

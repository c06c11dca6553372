package org.aepdsm.paging.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.aepdsm.api.paging.PageMap;
import org.junit.jupiter.api.Test;

class RangeTlbModelTest {
    /** Two VMAs: pages 0x100..0x103 in one run, 0x104..0x107 in a second; 0x200..0x201 in a third. */
    private static final PageMap MAP = new PageMap("t", List.of(
            new PageMap.Vma(0x100, new long[] {0x500, 0x501, 0x502, 0x503, 0x900, 0x901, 0x902, 0x903}),
            new PageMap.Vma(0x200, new long[] {0x904, PageMap.NOT_PRESENT, 0x905})));

    private static long[] pages(long... vpns) {
        long[] out = new long[vpns.length];
        for (int i = 0; i < vpns.length; i++) {
            out[i] = vpns[i] << 12 | 0x18;
        }
        return out;
    }

    @Test
    void oneEntryPerRunAndRunsEndAtVmaEdgesAndHoles() {
        RangeTlbModel m = new RangeTlbModel(MAP, 32);
        assertEquals(4, m.runs(), "0x903 and 0x904 are physically adjacent but in different VMAs");
        assertEquals(4, m.misses(pages(0x100, 0x103, 0x104, 0x107, 0x200, 0x202, 0x100, 0x200)));
        assertEquals(1, m.misses(pages(0x201)), "a page that is not present always misses");
    }

    @Test
    void leastRecentlyUsedRunIsReplaced() {
        RangeTlbModel m = new RangeTlbModel(MAP, 2);
        assertEquals(3, m.misses(pages(0x100, 0x104, 0x100, 0x200, 0x100)),
                "0x200 evicts the run of 0x104, not the recently used run of 0x100");
        assertEquals(4, m.misses(pages(0x100, 0x104, 0x200, 0x100)));
    }
}

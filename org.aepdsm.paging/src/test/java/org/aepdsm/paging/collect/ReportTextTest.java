package org.aepdsm.paging.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.aepdsm.api.paging.ContiguityReport;
import org.junit.jupiter.api.Test;

/** The text layout is page-collect's, line for line. */
class ReportTextTest {
    private final PageCollect collect = new PageCollect();

    @Test
    void example2PrintsEverySectionInPageCollectLayout() {
        String expected = """

                ----------
                VMA_TLB
                ----------
                total_VMA_TLB_entries: 2
                total_VMA_TLB_coverage: 0 (MB)

                32 entries coverage: 116.67% (14 4K pages)
                64 entries coverage: 116.67% (14 4K pages)
                128 entries coverage: 116.67% (14 4K pages)
                256 entries coverage: 116.67% (14 4K pages)

                Number of entries for at least 80% coverage: 1 (exact coverage 83.33%)
                Number of entries for at least 90% coverage: 2 (exact coverage 116.67%)
                Number of entries for at least 99% coverage: 2 (exact coverage 116.67%)

                ----------
                Virtual_TLB
                ----------
                total_Virtual_TLB_entries: 3
                total_Virtual_TLB_coverage: 0 (MB)

                32 entries coverage: 100.00% (12 4K pages)
                64 entries coverage: 100.00% (12 4K pages)
                128 entries coverage: 100.00% (12 4K pages)
                256 entries coverage: 100.00% (12 4K pages)

                Number of entries for at least 80% coverage: 3 (exact coverage 100.00%)
                Number of entries for at least 90% coverage: 3 (exact coverage 100.00%)
                Number of entries for at least 99% coverage: 3 (exact coverage 100.00%)

                ----------
                Anchor_TLB
                ----------
                total_Anchor_TLB_entries: 7
                total_Anchor_TLB_coverage: 0 (MB)

                32 entries coverage: 100.00% (12 4K pages)
                64 entries coverage: 100.00% (12 4K pages)
                128 entries coverage: 100.00% (12 4K pages)
                256 entries coverage: 100.00% (12 4K pages)

                Number of entries for at least 80% coverage: 5 (exact coverage 83.33%)
                Number of entries for at least 90% coverage: 6 (exact coverage 91.67%)
                Number of entries for at least 99% coverage: 7 (exact coverage 100.00%)

                ----------
                Range_TLB
                ----------
                total_Range_TLB_entries: 4
                total_Range_TLB_coverage: 0 (MB)

                32 entries coverage: 100.00% (12 4K pages)
                64 entries coverage: 100.00% (12 4K pages)
                128 entries coverage: 100.00% (12 4K pages)
                256 entries coverage: 100.00% (12 4K pages)

                Number of entries for at least 80% coverage: 3 (exact coverage 91.67%)
                Number of entries for at least 90% coverage: 3 (exact coverage 91.67%)
                Number of entries for at least 99% coverage: 4 (exact coverage 100.00%)

                ----------
                SpOT
                ----------
                total_SpOT_entries: 2
                total_SpOT_coverage: 0 (MB)

                32 entries coverage: 100.00% (12 4K pages)
                64 entries coverage: 100.00% (12 4K pages)
                128 entries coverage: 100.00% (12 4K pages)
                256 entries coverage: 100.00% (12 4K pages)

                Number of entries for at least 80% coverage: 1 (exact coverage 83.33%)
                Number of entries for at least 90% coverage: 2 (exact coverage 100.00%)
                Number of entries for at least 99% coverage: 2 (exact coverage 100.00%)

                ----------
                working_set
                ----------
                total_present_pages: 12
                4K pages: 12
                2M pages: 0
                total_present_working_set: 0 (MB)
                """;
        assertEquals(expected, collect.format(collect.analyze(HandComputedTest.example2())));
    }

    @Test
    void example3PrintsMegabytesPartialCoverageAndHugePages() {
        ContiguityReport r = collect.analyze(HandComputedTest.example3());
        String text = collect.format(r);
        assertTrue(text.contains("""
                ----------
                Anchor_TLB
                ----------
                total_Anchor_TLB_entries: 41
                total_Anchor_TLB_coverage: 2 (MB)

                32 entries coverage: 98.37% (543 4K pages)
                64 entries coverage: 100.00% (552 4K pages)
                """), text);
        assertTrue(text.contains("32 entries coverage: 99.09% (547 4K pages)\n"), text);
        assertTrue(text.contains("Number of entries for at least 99% coverage: 32 (exact coverage 99.09%)\n"), text);
        assertTrue(text.endsWith("""
                total_present_pages: 552
                4K pages: 40
                2M pages: 1
                total_present_working_set: 2 (MB)
                """), text);
    }

    @Test
    void percentagesRoundTheExactBinaryValueHalfToEven() {
        assertEquals("0.12", ReportText.twoDecimals(0.125));
        assertEquals("0.38", ReportText.twoDecimals(0.375));
        assertEquals("2.67", ReportText.twoDecimals(2.675));
        assertEquals("116.67", ReportText.twoDecimals(1400.0 / 12));
        assertEquals("0.00", ReportText.twoDecimals(0));
    }
}

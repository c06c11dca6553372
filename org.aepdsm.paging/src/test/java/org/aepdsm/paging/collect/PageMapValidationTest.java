package org.aepdsm.paging.collect;

import static org.aepdsm.paging.collect.PageMaps.map;
import static org.aepdsm.paging.collect.PageMaps.vma;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.paging.PageMap;
import org.junit.jupiter.api.Test;

/** Page maps the analysis refuses, each with EINVAL naming the bad value. */
class PageMapValidationTest {
    private final PageCollect collect = new PageCollect();

    private AepException refused(PageMap m) {
        AepException e = assertThrows(AepException.class, () -> collect.analyze(m));
        assertEquals(Errno.EINVAL, e.errno());
        return e;
    }

    @Test
    void overlappingVmasAreRefused() {
        AepException e = refused(map("overlap", vma(0x100, 1, 2, 3), vma(0x102, 9)));
        assertTrue(e.getMessage().contains("0x102000") && e.getMessage().contains("0x103000"), e.getMessage());
    }

    @Test
    void negativeFramesAreRefused() {
        AepException e = refused(map("negative", vma(0x10, 4, -7)));
        assertTrue(e.getMessage().contains("frame -7") && e.getMessage().contains("0x11000"), e.getMessage());
    }

    @Test
    void pagesOutsideTheAddressSpaceAreRefused() {
        AepException e = refused(map("high", vma(1L << 52, 1)));
        assertTrue(e.getMessage().contains("0x10000000000000"), e.getMessage());
    }
}

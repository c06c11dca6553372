package org.aepdsm.paging.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.paging.ContiguityReport;
import org.aepdsm.api.paging.KindReport;
import org.aepdsm.api.paging.MappingKind;
import org.aepdsm.api.paging.PageMap;
import org.junit.jupiter.api.Test;

/**
 * page-collect on the test JVM itself. As root the report must hold together; without root the
 * frame numbers are refused with EACCES.
 */
class OwnProcessTest {
    private final PageCollect collect = new PageCollect();
    private final long pid = ProcessHandle.current().pid();

    private static boolean root() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) {
                return line.split("\\s+")[2].equals("0");
            }
        }
        return false;
    }

    @Test
    void reportOfTheJvmHoldsTogether() throws IOException {
        if (!root()) {
            AepException e = assertThrows(AepException.class, () -> collect.readProcess(pid));
            assertEquals(Errno.EACCES, e.errno());
            assertTrue(e.getMessage().contains("/proc/" + pid + "/pagemap"), e.getMessage());
            return;
        }
        byte[] touched = new byte[16 << 20];
        for (int i = 0; i < touched.length; i += 4096) {
            touched[i] = 1;
        }
        PageMap map = collect.readProcess(pid);
        ContiguityReport r = collect.analyze(map);
        long present = r.presentPages();
        assertTrue(present > touched.length / 4096 / 2, "present pages " + present);
        assertEquals(map.presentPages(), present);
        assertEquals(present, r.basePages() + 512 * r.hugePages(), "4K + 2M pages");

        KindReport vma = r.of(MappingKind.VMA);
        KindReport virtual = r.of(MappingKind.VIRTUAL);
        KindReport anchor = r.of(MappingKind.ANCHOR);
        KindReport range = r.of(MappingKind.RANGE);
        KindReport spot = r.of(MappingKind.SPOT);
        assertTrue(vma.totalEntries() > 0, "VMA entries");
        assertTrue(vma.totalCoverage() >= present, "VMAs span at least the present pages");
        for (KindReport k : List.of(virtual, anchor, range, spot)) {
            assertEquals(present, k.totalCoverage(), k.kind() + " covers every present page once");
        }
        assertTrue(range.totalEntries() >= virtual.totalEntries(), "a Virtual run splits into Range runs");
        assertTrue(anchor.totalEntries() >= range.totalEntries(), "a Range run is cut into anchor pieces");
        assertTrue(spot.totalEntries() <= range.totalEntries(), "SpOT merges Range runs of equal offset");
        long vmasWithPages = map.vmas().stream()
                .filter(v -> java.util.Arrays.stream(v.pfns()).anyMatch(p -> p != PageMap.NOT_PRESENT)).count();
        assertTrue(virtual.totalEntries() >= vmasWithPages, "every VMA with pages has a Virtual run");

        for (KindReport k : List.of(vma, virtual, anchor, range, spot)) {
            long entries = 0;
            long pages = 0;
            long previousSize = Long.MAX_VALUE;
            for (var e : k.histogram().entrySet()) {
                assertTrue(e.getKey() < previousSize, k.kind() + " histogram largest first");
                previousSize = e.getKey();
                entries += e.getValue();
                pages += e.getKey() * e.getValue();
            }
            assertEquals(k.totalEntries(), entries, k.kind() + " histogram entries");
            assertEquals(k.totalCoverage(), pages, k.kind() + " histogram pages");
            long previous = 0;
            for (int n : new int[] {32, 64, 128, 256}) {
                long at = k.coveragePagesAt().get(n);
                assertTrue(at >= previous && at <= k.totalCoverage(), k.kind() + " pages of " + n + " entries");
                previous = at;
            }
            long e80 = k.target(80).entries();
            long e90 = k.target(90).entries();
            long e99 = k.target(99).entries();
            assertTrue(0 < e80 && e80 <= e90 && e90 <= e99 && e99 <= k.totalEntries(), k.kind() + " targets");
            for (int p : new int[] {80, 90, 99}) {
                assertTrue(k.target(p).exactCoverage() >= p, k.kind() + " reaches " + p + "%");
            }
        }

        ReferenceModel model = new ReferenceModel(map);
        for (MappingKind kind : MappingKind.values()) {
            assertEquals(model.histograms.get(kind).descendingMap(), r.of(kind).histogram(), kind + " as the model");
        }

        String text = collect.format(r);
        for (String heading : List.of("VMA_TLB", "Virtual_TLB", "Anchor_TLB", "Range_TLB", "SpOT", "working_set")) {
            assertTrue(text.contains("\n----------\n" + heading + "\n----------\n"), heading);
        }
        assertTrue(text.contains("total_present_pages: " + present + "\n"), text);
        assertEquals(1, touched[4096], "the touched buffer stays reachable until the map is read");
    }
}

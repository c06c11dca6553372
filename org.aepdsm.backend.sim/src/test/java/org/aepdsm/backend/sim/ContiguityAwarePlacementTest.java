package org.aepdsm.backend.sim;

import static org.aepdsm.testkit.Errors.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.FramePool;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.api.paging.PageMap;
import org.aepdsm.api.paging.PlacementPolicy;
import org.aepdsm.backend.sim.frame.OffsetRecords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Contiguity-aware placement in a simulated address space: offsets kept, records bounded, fallbacks correct. */
class ContiguityAwarePlacementTest {
    private static final long PAGE = 4096;

    private final SimMachine machine = new SimMachine(MachineConfig.of(1, 64, 8));
    private final FramePool pool = machine.framePool(0);

    @AfterEach
    void shutdown() {
        machine.shutdown();
    }

    private SimAddressSpace space(PlacementPolicy policy) {
        SimAddressSpace s = (SimAddressSpace) machine.createAddressSpace(0, 64L << 20);
        s.setPlacementPolicy(policy);
        return s;
    }

    /** Maximal runs of pages consecutive in both virtual and physical page numbers (Range TLB entries). */
    static long rangeRuns(PageMap map) {
        long runs = 0;
        for (PageMap.Vma v : map.vmas()) {
            long prev = PageMap.NOT_PRESENT;
            for (long pfn : v.pfns()) {
                if (pfn != PageMap.NOT_PRESENT && (prev == PageMap.NOT_PRESENT || pfn != prev + 1)) {
                    runs++;
                }
                prev = pfn;
            }
        }
        return runs;
    }

    private static void touchAndCheck(SimAddressSpace s, List<Long> pages) {
        for (long p : pages) {
            s.putLong(s.base() + p * PAGE, p * 31 + 7);
        }
        for (long p : pages) {
            assertEquals(p * 31 + 7, s.getLong(s.base() + p * PAGE), "page " + p);
        }
    }

    private static List<Long> pages(int n) {
        List<Long> out = new ArrayList<>();
        for (long p = 0; p < n; p++) {
            out.add(p);
        }
        return out;
    }

    @Test
    void aVmaFaultedInAnyOrderIsOneRangeRun() {
        long seed = 11;
        List<Long> order = pages(2048);
        Collections.shuffle(order, new Random(seed));
        SimAddressSpace ca = space(PlacementPolicy.CONTIGUITY_AWARE);
        ca.mapOnDemand(ca.base(), 2048 * PAGE, PageSize.SIZE_4K, Protection.READ_WRITE);
        touchAndCheck(ca, order);
        assertEquals(1, rangeRuns(ca.pageMap()), "seed " + seed);
        assertEquals(1, ca.contiguityPlacement().records(ca.base() >>> 12, 2048).size());
        ca.close();

        SimAddressSpace buddy = space(PlacementPolicy.BUDDY);
        buddy.mapOnDemand(buddy.base(), 2048 * PAGE, PageSize.SIZE_4K, Protection.READ_WRITE);
        touchAndCheck(buddy, order);
        assertTrue(rangeRuns(buddy.pageMap()) > 1000, "seed " + seed + ": the buddy allocator follows fault order");
    }

    @Test
    void afterFragmentationAFewRecordsCoverTheVma() {
        long seed = 5;
        SplittableRandom r = new SplittableRandom(seed);
        long frames = pool.frameCount();
        for (long f = 0; f < frames; f++) {
            pool.allocate(0);
        }
        long f = 0;
        int freeRuns = 0;
        while (f < frames) {
            long len = Math.min(frames - f, r.nextLong(256, 512));
            for (long i = f; i < f + len; i++) {
                pool.free(i, 0);
            }
            freeRuns++;
            f += len + r.nextLong(1, 65);
        }
        SimAddressSpace ca = space(PlacementPolicy.CONTIGUITY_AWARE);
        ca.mapOnDemand(ca.base(), 4096 * PAGE, PageSize.SIZE_4K, Protection.READ_WRITE);
        touchAndCheck(ca, pages(4096));
        long runs = rangeRuns(ca.pageMap());
        int records = ca.contiguityPlacement().records(ca.base() >>> 12, 4096).size();
        assertTrue(runs <= 4096 / 256 + 1, "seed " + seed + ": " + runs + " runs over " + freeRuns + " free runs");
        assertTrue(records <= runs + 1, "seed " + seed + ": " + records + " records for " + runs + " runs");
    }

    @Test
    void sixtyFourRecordsAreKeptWhenEveryRunIsShort() {
        long frames = pool.frameCount();
        for (long f = 0; f < frames; f++) {
            pool.allocate(0);
        }
        for (long f = 0; f < frames; f++) {
            if (f % 5 != 0) {
                pool.free(f, 0);
            }
        }
        SimAddressSpace ca = space(PlacementPolicy.CONTIGUITY_AWARE);
        ca.mapOnDemand(ca.base(), 1024 * PAGE, PageSize.SIZE_4K, Protection.READ_WRITE);
        touchAndCheck(ca, pages(1024));
        assertEquals(256, rangeRuns(ca.pageMap()), "runs of 4 free frames");
        OffsetRecords records = ca.contiguityPlacement().records(ca.base() >>> 12, 1024);
        assertEquals(OffsetRecords.CAPACITY, records.size());
        long lowest = Long.MAX_VALUE;
        for (int s = 0; s < records.size(); s++) {
            lowest = Math.min(lowest, records.vpn(s));
        }
        assertEquals((ca.base() >>> 12) + (256 - 64) * 4, lowest, "the 64 newest records remain");
        long free = pool.freeFrames();
        ca.close();
        assertEquals(free + 1024, pool.freeFrames(), "closing frees every placed frame");
    }

    @Test
    void aTargetTakenByAnotherOwnerIsPlacedElsewhereAndKeepsItsData() {
        SimAddressSpace ca = space(PlacementPolicy.CONTIGUITY_AWARE);
        ca.mapOnDemand(ca.base(), 64 * PAGE, PageSize.SIZE_4K, Protection.READ_WRITE);
        ca.putLong(ca.base(), 1);
        long f0 = ca.translate(ca.base()).orElseThrow().frame();
        pool.allocateAt(f0 + 1, 0);
        touchAndCheck(ca, pages(64));
        long f1 = ca.translate(ca.base() + PAGE).orElseThrow().frame();
        assertNotEquals(f0 + 1, f1);
        assertEquals(f1 + 1, ca.translate(ca.base() + 2 * PAGE).orElseThrow().frame(),
                "the new offset governs the pages after the taken one");
        assertEquals(2, rangeRuns(ca.pageMap()));
        assertEquals(0, ca.contiguityPlacement().counts().fallbacks());
    }

    @Test
    void noRoomForA2MiBPageIsEnomemAndChangesNothing() {
        long frames = pool.frameCount();
        for (long f = 0; f < frames; f++) {
            pool.allocate(0);
        }
        for (long f = 0; f < frames; f += 2) {
            pool.free(f, 0);
        }
        SimAddressSpace ca = space(PlacementPolicy.CONTIGUITY_AWARE);
        ca.mapOnDemand(ca.base(), PageSize.SIZE_2M.bytes(), PageSize.SIZE_2M, Protection.READ_WRITE);
        long free = pool.freeFrames();
        assertErrno(Errno.ENOMEM, "0x" + Long.toHexString(ca.base() + 8), () -> ca.putLong(ca.base() + 8, 3));
        assertEquals(free, pool.freeFrames());
        assertTrue(ca.translate(ca.base()).isEmpty());
        for (long f = 1024 + 1; f < 1536; f += 2) {
            pool.free(f, 0);
        }
        ca.putLong(ca.base() + 8, 3);
        assertEquals(3, ca.getLong(ca.base() + 8));
        assertEquals(1024, ca.translate(ca.base()).orElseThrow().frame(), "the only free aligned 2 MiB block");
    }

    @Test
    void thePolicyIsPerSpaceAndNamedInTheBackendDetails() {
        SimAddressSpace a = space(PlacementPolicy.CONTIGUITY_AWARE);
        SimAddressSpace b = space(PlacementPolicy.BUDDY);
        assertEquals(PlacementPolicy.CONTIGUITY_AWARE, a.placementPolicy());
        assertEquals(PlacementPolicy.BUDDY, b.placementPolicy());
        String placement = machine.info().details().get("placement");
        assertTrue(placement.contains("CONTIGUITY_AWARE in spaces [" + a.id() + "]"), placement);
        a.setPlacementPolicy(PlacementPolicy.BUDDY);
        assertEquals(PlacementPolicy.BUDDY, a.placementPolicy());
        assertTrue(!machine.info().details().get("placement").contains("in spaces"));
        assertErrno(Errno.EINVAL, "null", () -> a.setPlacementPolicy(null));
        a.close();
        assertErrno(Errno.ESTALE, () -> a.setPlacementPolicy(PlacementPolicy.CONTIGUITY_AWARE));
    }
}

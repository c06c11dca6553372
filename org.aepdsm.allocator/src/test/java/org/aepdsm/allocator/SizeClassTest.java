package org.aepdsm.allocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SizeClassTest extends PoolFixture {
    @Test
    void classesAreCloseEnoughThatNoSizeFallsOffACliff() {
        for (int c = 1; c < SizeClasses.count(); c++) {
            int prev = SizeClasses.blockSize(c - 1);
            int cur = SizeClasses.blockSize(c);
            assertTrue(cur > prev);
            assertTrue(cur - prev <= Math.max(8, prev / 4), "class " + c + ": " + prev + " -> " + cur);
            assertTrue(SizeClasses.capacity(c) >= 1 && SizeClasses.spanPages(c) <= PoolLayout.PAGES_PER_SEGMENT);
        }
        long largestSlab = SizeClasses.usable(SizeClasses.count() - 1);
        long smallestRun = SizeClasses.runPages(largestSlab + 1) * PoolLayout.PAGE;
        assertTrue(smallestRun - largestSlab <= largestSlab / 4, "slab to run step " + largestSlab + " -> " + smallestRun);
        for (long size = 1; size <= 70_000; size++) {
            int cls = SizeClasses.classOf(size);
            if (cls == SizeClasses.RUN_CLASS) {
                assertTrue(size + SizeClasses.HEADER_BYTES > SizeClasses.MAX_BLOCK);
            } else {
                assertTrue(SizeClasses.usable(cls) >= size, "size " + size);
                assertTrue(cls == 0 || SizeClasses.usable(cls - 1) < size, "size " + size + " fits a smaller class");
            }
        }
    }

    @Test
    void everySizeFrom16BytesTo1MiBAndAPageRunAllocatesRoundTripsAndFrees() {
        open(128, 2, 20, 64);
        long[] sizes = new long[120];
        int n = 0;
        for (long s = 16; s <= (1 << 20); s = s * 9 / 8 + 1) {
            sizes[n++] = s;
        }
        sizes[n++] = 1 << 20;
        sizes[n++] = 3L << 20;
        long[] handles = new long[n];
        for (int i = 0; i < n; i++) {
            handles[i] = mallocOk(i % 40, sizes[i]);
            fill(handles[i], sizes[i], i);
        }
        for (int i = 0; i < n; i++) {
            assertFilled(handles[i], sizes[i], i);
            assertTrue(a.describe(handles[i]).orElseThrow().size() >= sizes[i]);
        }
        assertClean();
        for (int i = 0; i < n; i++) {
            assertEquals(0, free(i % 40, handles[i]), "size " + sizes[i]);
        }
        assertEquals(0, count());
    }

    @Test
    void aLive64ByteObjectCostsAtMost80PoolBytesMetadataIncluded() {
        open(64, 2, 20, 512);
        int n = 500_000;
        long[] handles = new long[n];
        for (int i = 0; i < n; i++) {
            handles[i] = mallocOk(i & 1, 64);
        }
        AllocatorStats stats = a.stats();
        assertEquals(n, stats.liveObjects());
        double perObject = (double) (stats.bytesInUse() + stats.metadataBytes()) / n;
        assertTrue(perObject <= 80, "pool bytes per live 64-byte object: " + perObject);
        assertEquals(perObject, stats.poolBytesPerObject(), 1e-9);
        assertClean();
        for (int i = 0; i < n; i++) {
            assertEquals(0, free(i & 1, handles[i]));
        }
    }
}

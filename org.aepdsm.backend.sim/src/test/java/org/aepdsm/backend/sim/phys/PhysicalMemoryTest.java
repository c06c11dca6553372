package org.aepdsm.backend.sim.phys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Test;

class PhysicalMemoryTest {
    @Test
    void untouchedMemoryReadsZeroAndLargeZeroFillsClearEveryByte() {
        PhysicalMemory m = new PhysicalMemory(new long[] {64L << 30});
        try {
            long base = PhysicalMemory.bankBase(0);
            assertEquals(0, m.readLong(base + (40L << 30)), "a reserved, never touched page reads zero");
            for (long o = 0; o < (1 << 20) + 8192; o += 512) {
                m.writeLong(base + 4000 + o, -1L);
            }
            m.zero(base + 4000, (1 << 20) + 8192);
            for (long o = 0; o < (1 << 20) + 8192; o += 512) {
                assertEquals(0, m.readLong(base + 4000 + o), "offset " + o);
            }
            m.writeLong(base + 3992, 7);
            m.zero(base + 4000, 1 << 20);
            assertEquals(7, m.readLong(base + 3992), "bytes before the range stay");
        } finally {
            m.close();
        }
    }

    @Test
    void closingMakesHandedOutSegmentsInaccessible() {
        PhysicalMemory m = new PhysicalMemory(new long[] {1L << 20});
        MemorySegment s = m.slice(PhysicalMemory.bankBase(0), 4096);
        s.set(ValueLayout.JAVA_LONG, 0, 5);
        m.close();
        assertThrows(IllegalStateException.class, () -> s.get(ValueLayout.JAVA_LONG, 0));
    }
}

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

    @Test
    void accessesAfterCloseAnswerEstaleNotTheArenasException() {
        PhysicalMemory m = new PhysicalMemory(new long[] {1L << 20});
        long pa = PhysicalMemory.bankBase(0);
        m.writeLong(pa, 5);
        m.close();
        for (org.junit.jupiter.api.function.Executable access : new org.junit.jupiter.api.function.Executable[] {
            () -> m.readLong(pa), () -> m.writeLong(pa, 1), () -> m.readByte(pa), () -> m.writeByte(pa, (byte) 1),
            () -> m.zero(pa, 4096), () -> m.zero(pa, 256 * 1024), () -> m.copy(pa, pa + 4096, 64),
            () -> m.copyIn(new byte[8], 0, pa, 8), () -> m.copyOut(pa, new byte[8], 0, 8)}) {
            org.aepdsm.api.AepException e = assertThrows(org.aepdsm.api.AepException.class, access);
            assertEquals(org.aepdsm.api.Errno.ESTALE, e.errno());
        }
    }
}

package org.aepdsm.bench.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.aepdsm.api.ownership.GlobalRef;
import org.junit.jupiter.api.Test;

/** Pool offsets resolved once address the same bytes as handle and field; every access stays inside the pool. */
class PoolBytesTest {
    private static final long POOL_BYTES = 4096;

    private final MemorySegment pool = MemorySegment.ofArray(new long[(int) (POOL_BYTES / 8)]);
    private final PoolBytes bytes = new PoolBytes(pool);

    @Test
    void offsetOfDropsTheTagOfAHandle() {
        long handle = GlobalRef.of(0xbeef, 0x1230).value();
        assertEquals(0x1230, PoolBytes.offsetOf(handle));
    }

    @Test
    void offsetAccessorsReadWhatHandleAccessorsWroteAndTheReverse() {
        long handle = GlobalRef.of(7, 256).value();
        long base = PoolBytes.offsetOf(handle);
        bytes.setLong(handle, 16, 0x0123456789abcdefL);
        bytes.setInt(handle, 24, 0xcafebabe);
        bytes.setDouble(handle, 32, 0.25);
        assertEquals(0x0123456789abcdefL, bytes.longAt(base + 16));
        assertEquals(0xcafebabe, bytes.intAt(base + 24));
        assertEquals(0.25, bytes.doubleAt(base + 32));

        bytes.setLongAt(base + 40, -2L);
        bytes.setIntAt(base + 48, 99);
        bytes.setDoubleAt(base + 53, 1.5);
        assertEquals(-2L, bytes.getLong(handle, 40));
        assertEquals(99, bytes.getInt(handle, 48));
        assertEquals(1.5, bytes.getDouble(handle, 53), "fields may sit at unaligned offsets, as the originals'");
        assertEquals(-2L, pool.get(ValueLayout.JAVA_LONG_UNALIGNED, 256 + 40), "the bytes live in the pool");
    }

    @Test
    void zeroAtClearsExactlyTheRangeEvenWhenLongerThanItsBlockOfZeros() {
        for (long i = 0; i < POOL_BYTES; i++) {
            pool.set(ValueLayout.JAVA_BYTE, i, (byte) 0x5a);
        }
        long from = 101;
        long length = 2000;
        bytes.zeroAt(from, length);
        for (long i = 0; i < POOL_BYTES; i++) {
            byte expected = i >= from && i < from + length ? 0 : (byte) 0x5a;
            assertEquals(expected, pool.get(ValueLayout.JAVA_BYTE, i), "byte " + i);
        }
    }

    @Test
    void runAccessorsMoveConsecutiveValuesAtUnalignedOffsets() {
        for (int i = 0; i < 5; i++) {
            bytes.setIntAt(301 + 4L * i, 10 * i - 7);
        }
        int[] ints = new int[8];
        bytes.intsAt(301, ints, 5);
        assertArrayEquals(new int[] {-7, 3, 13, 23, 33, 0, 0, 0}, ints, "five read, the rest untouched");

        double[] from = {9.0, 0.5, 1.5, 2.5, 9.0};
        bytes.setDoublesAt(603, from, 1, 3);
        assertEquals(0.5, bytes.doubleAt(603));
        assertEquals(2.5, bytes.doubleAt(619));
        assertEquals(0L, bytes.longAt(627), "nothing past the run");
        double[] back = new double[3];
        bytes.doublesAt(603, back, 3);
        assertArrayEquals(new double[] {0.5, 1.5, 2.5}, back);
    }

    @Test
    void runsOutsideThePoolThrowAndWriteNothing() {
        double[] ones = {1, 1, 1, 1};
        assertThrows(IndexOutOfBoundsException.class, () -> bytes.setDoublesAt(POOL_BYTES - 24, ones, 0, 4));
        for (long at = POOL_BYTES - 24; at < POOL_BYTES; at += 8) {
            assertEquals(0.0, bytes.doubleAt(at), "offset " + at);
        }
        assertThrows(IndexOutOfBoundsException.class, () -> bytes.intsAt(POOL_BYTES - 8, new int[4], 4));
        assertThrows(IndexOutOfBoundsException.class, () -> bytes.doublesAt(0, new double[2], 3),
                "a run longer than its array");
    }

    @Test
    void accessesOutsideThePoolThrowAndZeroAtWritesNothingThen() {
        pool.set(ValueLayout.JAVA_LONG_UNALIGNED, POOL_BYTES - 8, 42L);
        assertThrows(IndexOutOfBoundsException.class, () -> bytes.longAt(POOL_BYTES - 4));
        assertThrows(IndexOutOfBoundsException.class, () -> bytes.setDoubleAt(POOL_BYTES, 1.0));
        assertThrows(IndexOutOfBoundsException.class, () -> bytes.intAt(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> bytes.zeroAt(POOL_BYTES - 8, 1024));
        assertEquals(42L, pool.get(ValueLayout.JAVA_LONG_UNALIGNED, POOL_BYTES - 8));
    }
}

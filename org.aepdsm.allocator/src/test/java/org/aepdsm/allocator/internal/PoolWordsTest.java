package org.aepdsm.allocator.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Pool words behave alike on both kinds of {@link SegmentConstant}; {@link SegmentConstant#of} gives each segment its class. */
class PoolWordsTest {
    private static final long SIZE = 4096;

    static Stream<Arguments> kinds() {
        return Stream.of(Arguments.of("of", (Function<MemorySegment, PoolWords>) PoolWords::of),
                Arguments.of("onField", (Function<MemorySegment, PoolWords>) s -> new PoolWords(SegmentConstant.onField(s))));
    }

    @Test
    void eachSegmentGetsAHiddenClassHoldingIt() {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment one = arena.allocate(SIZE, 64);
            MemorySegment two = arena.allocate(SIZE, 64);
            PoolWords a = PoolWords.of(one);
            PoolWords b = PoolWords.of(two);
            SegmentConstant ca = SegmentConstant.of(one);
            SegmentConstant cb = SegmentConstant.of(two);
            assertTrue(a.constantSegment());
            assertTrue(ca.constant());
            assertTrue(ca.getClass().isHidden(), ca.getClass().getName());
            assertNotSame(ca.getClass(), cb.getClass(), "one class per segment");
            assertSame(one, ca.segment());
            assertSame(two, cb.segment());
            assertSame(one, a.segment());
            assertSame(two, b.segment());
            a.put(8, 11);
            b.put(8, 22);
            assertEquals(11, one.get(ValueLayout.JAVA_LONG, 8));
            assertEquals(22, two.get(ValueLayout.JAVA_LONG, 8));
            assertEquals(11, a.get(8));
            assertEquals(22, b.get(8));
        }
    }

    @Test
    void theFieldImplementationSaysSo() {
        try (Arena arena = Arena.ofConfined()) {
            SegmentConstant c = SegmentConstant.onField(arena.allocate(SIZE, 64));
            assertFalse(c.constant());
            assertFalse(c.getClass().isHidden());
            assertFalse(new PoolWords(c).constantSegment());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void everyAccessReadsAndWritesTheWordAtItsOffset(String kind, Function<MemorySegment, PoolWords> make) {
        onNewPool(make, (seg, w) -> {
            assertEquals(SIZE, w.size());
            w.put(0, 1);
            w.so(8, 2);
            assertEquals(1, w.get(0));
            assertEquals(2, w.lv(8));
            assertEquals(2, w.la(8));
            assertTrue(w.cas(16, 0, 5));
            assertFalse(w.cas(16, 0, 6), "a CAS with a stale expected value fails");
            assertEquals(5, w.get(16));
            assertEquals(5, w.xchg(16, 9));
            assertEquals(9, w.xadd(16, 3));
            assertEquals(12, w.lv(16));
            w.put(SIZE - 8, -1);
            assertEquals(-1L, seg.get(ValueLayout.JAVA_LONG, SIZE - 8));
            w.zero(0, 24);
            assertEquals(0, w.get(0) | w.get(8) | w.get(16));
            assertEquals(-1, w.get(SIZE - 8), "zero stops at its length");
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void offsetsOutsideThePoolThrowAndWriteNothing(String kind, Function<MemorySegment, PoolWords> make) {
        onNewPool(make, (seg, w) -> {
            assertThrows(IndexOutOfBoundsException.class, () -> w.put(SIZE, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> w.put(SIZE - 4, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> w.get(-8));
            assertThrows(IndexOutOfBoundsException.class, () -> w.cas(SIZE, 0, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> w.xadd(Long.MAX_VALUE - 7, 1));
            assertThrows(IllegalArgumentException.class, () -> w.cas(4, 0, 1), "atomics need 8-aligned offsets");
            for (long off = 0; off < SIZE; off += 8) {
                assertEquals(0, seg.get(ValueLayout.JAVA_LONG, off), "word at " + off);
            }
        });
    }

    /** Runs {@code test} on a fresh zeroed pool and its words. */
    private static void onNewPool(Function<MemorySegment, PoolWords> make, BiConsumer<MemorySegment, PoolWords> test) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = arena.allocate(SIZE, 64);
            test.accept(seg, make.apply(seg));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aClosedPoolThrowsIllegalState(String kind, Function<MemorySegment, PoolWords> make) {
        Arena arena = Arena.ofShared();
        PoolWords w = make.apply(arena.allocate(SIZE, 64));
        w.put(0, 7);
        arena.close();
        assertThrows(IllegalStateException.class, () -> w.get(0));
        assertThrows(IllegalStateException.class, () -> w.so(0, 1));
        assertThrows(IllegalStateException.class, () -> w.cas(0, 7, 1));
    }
}

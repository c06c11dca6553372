package org.aepdsm.allocator.internal;

import java.lang.foreign.MemorySegment;
import java.lang.constant.ConstantDescs;
import java.lang.invoke.MethodHandles;

/**
 * The template of {@link PoolWords#of}: never loaded under its own name; its class file is defined as a hidden
 * class once per pool, with the pool's segment as class data. {@link #SEGMENT}, a {@code static final} field,
 * is then a constant to the JIT in each such class.
 */
final class ConstantWords extends PoolWords {
    private static final MemorySegment SEGMENT = classData();

    ConstantWords() {
        super(SEGMENT);
    }

    private static MemorySegment classData() {
        try {
            return MethodHandles.classData(MethodHandles.lookup(), ConstantDescs.DEFAULT_NAME,
                    MemorySegment.class);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("no class data: " + ConstantWords.class + " must be defined by "
                    + "PoolWords.of", e);
        }
    }

    @Override
    public boolean constantSegment() {
        return true;
    }

    @Override
    public long get(long offset) {
        return (long) PLAIN.get(SEGMENT, offset);
    }

    @Override
    public void put(long offset, long value) {
        PLAIN.set(SEGMENT, offset, value);
    }

    @Override
    public long lv(long offset) {
        return (long) LONG.getVolatile(SEGMENT, offset);
    }

    @Override
    public long la(long offset) {
        return (long) LONG.getAcquire(SEGMENT, offset);
    }

    @Override
    public void so(long offset, long value) {
        LONG.setRelease(SEGMENT, offset, value);
    }

    @Override
    public boolean cas(long offset, long expected, long value) {
        return LONG.compareAndSet(SEGMENT, offset, expected, value);
    }

    @Override
    public long xchg(long offset, long value) {
        return (long) LONG.getAndSet(SEGMENT, offset, value);
    }

    @Override
    public long xadd(long offset, long delta) {
        return (long) LONG.getAndAdd(SEGMENT, offset, delta);
    }
}

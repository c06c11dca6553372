package org.aepdsm.allocator.internal;

import java.lang.foreign.MemorySegment;

/**
 * {@link PoolWords} with the segment in an instance field: every access loads the segment's fields and checks
 * them. What {@link PoolWords#of} falls back to.
 */
final class FieldWords extends PoolWords {
    private final MemorySegment segment;

    FieldWords(MemorySegment segment) {
        super(segment);
        this.segment = segment;
    }

    @Override
    public boolean constantSegment() {
        return false;
    }

    @Override
    public long get(long offset) {
        return (long) PLAIN.get(segment, offset);
    }

    @Override
    public void put(long offset, long value) {
        PLAIN.set(segment, offset, value);
    }

    @Override
    public long lv(long offset) {
        return (long) LONG.getVolatile(segment, offset);
    }

    @Override
    public long la(long offset) {
        return (long) LONG.getAcquire(segment, offset);
    }

    @Override
    public void so(long offset, long value) {
        LONG.setRelease(segment, offset, value);
    }

    @Override
    public boolean cas(long offset, long expected, long value) {
        return LONG.compareAndSet(segment, offset, expected, value);
    }

    @Override
    public long xchg(long offset, long value) {
        return (long) LONG.getAndSet(segment, offset, value);
    }

    @Override
    public long xadd(long offset, long delta) {
        return (long) LONG.getAndAdd(segment, offset, delta);
    }
}

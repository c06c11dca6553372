package org.aepdsm.dsm.coherence;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Frames of the simulated fault path: one shared-arena segment per region per node. State changes touch
 * no memory (the protocol's state array decides what is valid); install copies data in. Thread-safe.
 * The arena is owned by this object.
 */
public final class HeapFrames implements PageFrames {
    private final Arena arena = Arena.ofShared();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private final MemorySegment segment;

    public HeapFrames(long size) {
        segment = arena.allocate(size, 4096);
    }

    @Override
    public MemorySegment segment() {
        return segment;
    }

    @Override
    public MemorySegment faultingSegment() {
        return null;
    }

    @Override
    public byte[] copy(long page) {
        return segment.asSlice(page * LocalPages.PAGE_SIZE, LocalPages.PAGE_SIZE).toArray(
                java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    @Override
    public void install(long page, byte[] data, int offset, boolean writable) {
        MemorySegment.copy(MemorySegment.ofArray(data), offset, segment, page * LocalPages.PAGE_SIZE,
                LocalPages.PAGE_SIZE);
    }

    @Override
    public void upgrade(long page) {
    }

    @Override
    public void downgrade(long page) {
    }

    @Override
    public void drop(long page) {
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            arena.close();
        }
    }
}

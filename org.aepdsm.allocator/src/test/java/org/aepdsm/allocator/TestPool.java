package org.aepdsm.allocator;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.aepdsm.api.memory.SharedPool;

/** A shared pool for tests: zeroed memory from a shared arena; closing the arena makes the segment stale. */
final class TestPool implements SharedPool {
    private final String name;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment segment;

    TestPool(String name, long size) {
        this.name = name;
        this.segment = arena.allocate(size, 4096);
    }

    static TestPool mib(int mib) {
        return new TestPool("test-pool", (long) mib << 20);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return segment.byteSize();
    }

    @Override
    public boolean created() {
        return true;
    }

    @Override
    public MemorySegment segment() {
        return segment;
    }

    @Override
    public boolean isOpen() {
        return arena.scope().isAlive();
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}

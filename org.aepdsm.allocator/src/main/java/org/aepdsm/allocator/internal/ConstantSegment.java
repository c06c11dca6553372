package org.aepdsm.allocator.internal;

import java.lang.constant.ConstantDescs;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;

/**
 * The template of {@link SegmentConstant#of}: never loaded under its own name; its class file is defined as a
 * hidden class once per segment, with the segment as class data, which {@link #SEGMENT} (a constant to the JIT)
 * holds.
 */
final class ConstantSegment extends SegmentConstant {
    private static final MemorySegment SEGMENT = classData();

    private static MemorySegment classData() {
        try {
            return MethodHandles.classData(MethodHandles.lookup(), ConstantDescs.DEFAULT_NAME, MemorySegment.class);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(ConstantSegment.class + " has no class data: it is defined by "
                    + "SegmentConstant.of", e);
        }
    }

    @Override
    public MemorySegment segment() {
        return SEGMENT;
    }

    @Override
    public boolean constant() {
        return true;
    }
}

package org.aepdsm.allocator.internal;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The C library's {@code malloc} and {@code free} through FFM: the baseline the gate cost is compared with.
 * Addresses are plain longs; nothing here reads or writes the memory.
 *
 * <p>The downcalls are plain ones, as in threadtest's {@code ffm-malloc} peer, so both name the same thing. They
 * are not {@link Linker.Option#critical critical}: the JDK keeps that option for functions that are extremely
 * short in every case, and malloc and free may wait for an arena's lock or map and unmap memory.
 *
 * <p>Thread-safety: stateless; as thread-safe as the C library's heap.
 */
public final class NativeHeap {
    private static final MethodHandle MALLOC;
    private static final MethodHandle FREE;

    static {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        MALLOC = linker.downcallHandle(libc.find("malloc").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
        FREE = linker.downcallHandle(libc.find("free").orElseThrow(),
                FunctionDescriptor.ofVoid(ValueLayout.JAVA_LONG));
    }

    private NativeHeap() {
    }

    /** malloc(size); 0 when it fails. */
    public static long malloc(long size) {
        try {
            return (long) MALLOC.invokeExact(size);
        } catch (Throwable t) {
            throw new IllegalStateException("malloc failed", t);
        }
    }

    /** free(address); address must come from {@link #malloc} and not be freed yet. */
    public static void free(long address) {
        try {
            FREE.invokeExact(address);
        } catch (Throwable t) {
            throw new IllegalStateException("free failed", t);
        }
    }
}

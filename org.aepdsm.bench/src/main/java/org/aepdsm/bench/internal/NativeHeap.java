package org.aepdsm.bench.internal;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The C library's {@code malloc} and {@code free} through FFM downcalls: the threadtest peer that measures the
 * system allocator from Java. Addresses are raw; only the peer's own loop passes them back to {@code free}.
 *
 * <p>Plain downcalls, as {@code aep:gatecost}'s FFM baseline makes: the JDK keeps {@code Linker.Option.critical}
 * for functions that are extremely short in every case, and malloc and free may wait for a lock or map memory.
 *
 * <p>Thread-safe, as the C library's allocator is.
 */
public final class NativeHeap {
    private static final MethodHandle MALLOC;
    private static final MethodHandle FREE;

    static {
        Linker linker = Linker.nativeLinker();
        MALLOC = linker.downcallHandle(linker.defaultLookup().find("malloc").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
        FREE = linker.downcallHandle(linker.defaultLookup().find("free").orElseThrow(),
                FunctionDescriptor.ofVoid(ValueLayout.JAVA_LONG));
    }

    private NativeHeap() {
    }

    /**
     * {@code malloc(size)}.
     *
     * @throws OutOfMemoryError when malloc returns NULL
     */
    public static long malloc(long size) {
        long a;
        try {
            a = (long) MALLOC.invokeExact(size);
        } catch (Throwable t) {
            throw new IllegalStateException("malloc downcall failed", t);
        }
        if (a == 0) {
            throw new OutOfMemoryError("malloc(" + size + ") returned NULL");
        }
        return a;
    }

    /** {@code free(address)} of an address {@link #malloc} returned. */
    public static void free(long address) {
        try {
            FREE.invokeExact(address);
        } catch (Throwable t) {
            throw new IllegalStateException("free downcall failed", t);
        }
    }
}

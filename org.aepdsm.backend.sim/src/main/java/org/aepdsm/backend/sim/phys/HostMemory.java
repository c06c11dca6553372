package org.aepdsm.backend.sim.phys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Host memory reserved lazily: anonymous private mappings with {@code MAP_NORESERVE}, so a bank
 * costs nothing until its pages are touched and untouched pages read as zero (the kernel's zero
 * page). Large zero fills are {@code madvise(MADV_DONTNEED)}, which gives the pages back and makes
 * them read as zero again. Ranges that are used densely (shared pools) can ask for transparent huge
 * pages ({@code madvise(MADV_HUGEPAGE)}), which the kernel then backs with 2 MiB pages where it can.
 * The only native calls of the bundle live here.
 *
 * <p>Stateless; thread-safe. Ownership: a segment from {@link #reserve} belongs to the arena given;
 * closing the arena unmaps it.
 */
final class HostMemory {
    private static final int PROT_READ = 0x1;
    private static final int PROT_WRITE = 0x2;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final int MAP_NORESERVE = 0x4000;
    private static final int MADV_DONTNEED = 4;
    private static final int MADV_HUGEPAGE = 14;
    /** The x86-64 transparent huge page. */
    static final long HUGE_PAGE = 2L << 20;
    private static final long MAP_FAILED = -1L;
    /** Host page size assumed by the DONTNEED fill; the x86-64 base page. */
    static final long PAGE = 4096;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MMAP = downcall("mmap", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
    private static final MethodHandle MUNMAP = downcall("munmap", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
    private static final MethodHandle MADVISE = downcall("madvise", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));

    private HostMemory() {
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, descriptor);
    }

    /**
     * Reserves {@code bytes} of zero-reading memory whose lifetime is {@code arena}'s: closing the
     * arena unmaps it.
     *
     * @throws OutOfMemoryError when the kernel refuses the reservation
     */
    static MemorySegment reserve(long bytes, Arena arena) {
        long address;
        try {
            address = (long) MMAP.invokeExact(0L, bytes, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("mmap failed", t);
        }
        if (address == MAP_FAILED || address == 0) {
            throw new OutOfMemoryError("the host refused to reserve " + bytes + " bytes");
        }
        long a = address;
        return MemorySegment.ofAddress(address).reinterpret(bytes, arena, s -> unmap(a, bytes));
    }

    private static void unmap(long address, long bytes) {
        try {
            int r = (int) MUNMAP.invokeExact(address, bytes);
            if (r != 0) {
                throw new IllegalStateException("munmap of " + bytes + " bytes failed");
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("munmap failed", t);
        }
    }

    /**
     * Drops the pages of a page-aligned range of a reserved segment: they read as zero afterwards and
     * cost no host memory until touched again.
     *
     * @return whether the kernel did it (if not, the caller zeroes by hand)
     */
    static boolean discard(MemorySegment bank, long offset, long bytes) {
        return advise(bank.address() + offset, bytes, MADV_DONTNEED);
    }

    /** {@code madvise(address, bytes, advice)}; whether the kernel accepted it. */
    private static boolean advise(long address, long bytes, int advice) {
        try {
            return (int) MADVISE.invokeExact(address, bytes, advice) == 0;
        } catch (Throwable t) {
            return false;
        }
    }

    /**
     * Asks the kernel to back the 2 MiB-aligned part of a range of a reserved segment with transparent huge pages
     * (fewer TLB misses for memory touched densely and at random, such as an allocator's pool). Advice only: on
     * a kernel without transparent huge pages, or with them set to {@code never}, the range keeps base pages.
     *
     * @param range a slice of a segment from {@link #reserve}
     * @return the bytes advised (0 when the range holds no whole huge page or the kernel refused)
     */
    static long preferHugePages(MemorySegment range) {
        long start = range.address();
        long from = (start + HUGE_PAGE - 1) & -HUGE_PAGE;
        long to = (start + range.byteSize()) & -HUGE_PAGE;
        if (to <= from) {
            return 0;
        }
        return advise(from, to - from, MADV_HUGEPAGE) ? to - from : 0;
    }
}

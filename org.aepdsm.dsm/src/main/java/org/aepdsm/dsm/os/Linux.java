package org.aepdsm.dsm.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The libc calls the userfaultfd path needs, through FFM downcalls that capture {@code errno}. Every call
 * returns the raw result; negative means failure and {@link #errno(MemorySegment)} tells why.
 * Stateless and thread-safe; each caller passes its own errno capture segment.
 */
final class Linux {
    static final int O_RDWR = 0x2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int PROT_READ_WRITE = 0x3;
    static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    static final int MADV_DONTNEED = 4;
    static final long SYS_USERFAULTFD = 323;
    static final short POLLIN = 1;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(java.lang.foreign.MemoryLayout.PathElement
            .groupElement("errno"));
    private static final Linker.Option SAVE_ERRNO = Linker.Option.captureCallState("errno");

    private static final MethodHandle OPEN = handle("open", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT), SAVE_ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT), SAVE_ERRNO);
    private static final MethodHandle IOCTL_PTR = handle("ioctl", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS), SAVE_ERRNO,
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle IOCTL_INT = handle("ioctl", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG), SAVE_ERRNO,
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle SYSCALL1 = handle("syscall", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG), SAVE_ERRNO, Linker.Option.firstVariadicArg(1));
    private static final MethodHandle MMAP = handle("mmap", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG), SAVE_ERRNO);
    private static final MethodHandle MUNMAP = handle("munmap", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG), SAVE_ERRNO);
    private static final MethodHandle MADVISE = handle("madvise", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT), SAVE_ERRNO);
    private static final MethodHandle POLL = handle("poll", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT), SAVE_ERRNO);
    private static final MethodHandle READ = handle("read", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), SAVE_ERRNO);

    private Linux() {
    }

    private static MethodHandle handle(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment symbol = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, fd, options);
    }

    /** A segment to capture errno into, from the caller's arena. */
    static MemorySegment errnoBox(Arena arena) {
        return arena.allocate(CAPTURE);
    }

    static int errno(MemorySegment box) {
        return (int) ERRNO.get(box, 0L);
    }

    static int open(MemorySegment box, MemorySegment path, int flags) {
        try {
            return (int) OPEN.invokeExact(box, path, flags);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int close(MemorySegment box, int fd) {
        try {
            return (int) CLOSE.invokeExact(box, fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int ioctl(MemorySegment box, int fd, long request, MemorySegment arg) {
        try {
            return (int) IOCTL_PTR.invokeExact(box, fd, request, arg);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int ioctl(MemorySegment box, int fd, long request, long arg) {
        try {
            return (int) IOCTL_INT.invokeExact(box, fd, request, arg);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static long syscall(MemorySegment box, long number, long arg) {
        try {
            return (long) SYSCALL1.invokeExact(box, number, arg);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static long mmap(MemorySegment box, long length) {
        try {
            return (long) MMAP.invokeExact(box, 0L, length, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int munmap(MemorySegment box, long address, long length) {
        try {
            return (int) MUNMAP.invokeExact(box, address, length);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int madvise(MemorySegment box, long address, long length, int advice) {
        try {
            return (int) MADVISE.invokeExact(box, address, length, advice);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int poll(MemorySegment box, MemorySegment fds, long count, int timeoutMs) {
        try {
            return (int) POLL.invokeExact(box, fds, count, timeoutMs);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static long read(MemorySegment box, int fd, MemorySegment buf, long count) {
        try {
            return (long) READ.invokeExact(box, fd, buf, count);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The symbolic name of an errno value, for messages. */
    static String errnoName(int errno) {
        return switch (errno) {
            case 1 -> "EPERM";
            case 2 -> "ENOENT";
            case 9 -> "EBADF";
            case 11 -> "EAGAIN";
            case 12 -> "ENOMEM";
            case 13 -> "EACCES";
            case 14 -> "EFAULT";
            case 16 -> "EBUSY";
            case 17 -> "EEXIST";
            case 22 -> "EINVAL";
            case 38 -> "ENOSYS";
            case 95 -> "EOPNOTSUPP";
            default -> "errno " + errno;
        };
    }
}

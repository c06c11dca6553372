package org.aepdsm.backend.os.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Optional;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;

/*
 * The raw C library calls, one MethodHandle each, and the errno they leave behind.
 *
 * Every handle that can fail is linked with captureCallState("errno"): its first argument is a
 * capture segment of captureStateLayout() into which the linker copies errno right after the
 * call, before the JVM can run anything that would overwrite it. The methods here take already
 * checked arguments only; the public classes of this package (MemoryFile, FileMapping,
 * Reservation, Pagemap, ProtectionKeys) validate everything a caller passes before reaching
 * them, so no value from outside can make the kernel write where Java does not expect it.
 *
 * Constants are the x86-64 Linux values (this backend only runs there).
 */
final class Posix {
    static final int PROT_NONE = 0;
    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 0x01;
    static final int MAP_PRIVATE = 0x02;
    static final int MAP_FIXED = 0x10;
    static final int MAP_ANONYMOUS = 0x20;
    static final int MAP_NORESERVE = 0x4000;
    static final int MAP_POPULATE = 0x8000;
    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;
    static final int O_CREAT = 0100;
    static final int O_CLOEXEC = 02000000;
    static final int O_SYNC = 04010000;
    static final int MFD_CLOEXEC = 1;
    static final int FALLOC_FL_KEEP_SIZE = 1;
    static final int FALLOC_FL_PUNCH_HOLE = 2;
    static final int SEEK_END = 2;
    static final int MADV_POPULATE_READ = 22;
    static final long SYS_PKEY_MPROTECT = 329;
    static final long SYS_PKEY_ALLOC = 330;
    static final long SYS_PKEY_FREE = 331;
    static final long PAGE = 4096;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");

    private static final MethodHandle MEMFD_CREATE = errnoCall("memfd_create",
            FunctionDescriptor.of(C.INT, C.POINTER, C.INT));
    private static final MethodHandle OPEN = LINKER.downcallHandle(symbol("open"),
            FunctionDescriptor.of(C.INT, C.POINTER, C.INT, C.INT), ERRNO_OPTION, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = errnoCall("close", FunctionDescriptor.of(C.INT, C.INT));
    private static final MethodHandle FTRUNCATE = errnoCall("ftruncate", FunctionDescriptor.of(C.INT, C.INT, C.LONG));
    private static final MethodHandle FALLOCATE = errnoCall("fallocate",
            FunctionDescriptor.of(C.INT, C.INT, C.INT, C.LONG, C.LONG));
    private static final MethodHandle LSEEK = errnoCall("lseek", FunctionDescriptor.of(C.LONG, C.INT, C.LONG, C.INT));
    private static final MethodHandle PREAD = errnoCall("pread",
            FunctionDescriptor.of(C.LONG, C.INT, C.POINTER, C.LONG, C.LONG));
    private static final MethodHandle MMAP = errnoCall("mmap",
            FunctionDescriptor.of(C.LONG, C.LONG, C.LONG, C.INT, C.INT, C.INT, C.LONG));
    private static final MethodHandle MUNMAP = errnoCall("munmap", FunctionDescriptor.of(C.INT, C.LONG, C.LONG));
    private static final MethodHandle MPROTECT = errnoCall("mprotect",
            FunctionDescriptor.of(C.INT, C.LONG, C.LONG, C.INT));
    private static final MethodHandle MADVISE = errnoCall("madvise", FunctionDescriptor.of(C.INT, C.LONG, C.LONG, C.INT));
    private static final MethodHandle SYSCALL3 = LINKER.downcallHandle(symbol("syscall"),
            FunctionDescriptor.of(C.LONG, C.LONG, C.LONG, C.LONG), ERRNO_OPTION, Linker.Option.firstVariadicArg(1));
    private static final MethodHandle SYSCALL5 = LINKER.downcallHandle(symbol("syscall"),
            FunctionDescriptor.of(C.LONG, C.LONG, C.LONG, C.LONG, C.LONG, C.LONG), ERRNO_OPTION,
            Linker.Option.firstVariadicArg(1));
    /** glibc's pkey_set (rdpkru/wrpkru); absent before glibc 2.27. Critical: it neither blocks nor upcalls. */
    static final Optional<MethodHandle> PKEY_SET = LIBC.find("pkey_set").map(s -> LINKER.downcallHandle(s,
            FunctionDescriptor.of(C.INT, C.INT, C.INT), Linker.Option.critical(false)));
    static final Optional<MethodHandle> PKEY_GET = LIBC.find("pkey_get").map(s -> LINKER.downcallHandle(s,
            FunctionDescriptor.of(C.INT, C.INT), Linker.Option.critical(false)));

    private Posix() {
    }

    /** C type layouts of x86-64 Linux (LP64). */
    static final class C {
        static final java.lang.foreign.ValueLayout.OfInt INT = java.lang.foreign.ValueLayout.JAVA_INT;
        static final java.lang.foreign.ValueLayout.OfLong LONG = java.lang.foreign.ValueLayout.JAVA_LONG;
        static final java.lang.foreign.AddressLayout POINTER = java.lang.foreign.ValueLayout.ADDRESS;

        private C() {
        }
    }

    private static MemorySegment symbol(String name) {
        return LIBC.find(name).orElseThrow(() -> new ExceptionInInitializerError("the C library lacks " + name));
    }

    private static MethodHandle errnoCall(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(name), descriptor, ERRNO_OPTION);
    }

    private static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    private static AepException unexpected(String call, Throwable t) {
        return new AepException(Errno.EIO, call + " could not be called: " + t, t);
    }

    static int memfdCreate(String name, int flags) {
        String call = "memfd_create(\"" + name + "\", " + flags + ")";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(CAPTURE);
            int fd = (int) MEMFD_CREATE.invokeExact(st, arena.allocateFrom(name), flags);
            return checkInt(call, fd, st);
        } catch (AepException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(call, t);
        }
    }

    static int open(String path, int flags, int mode) {
        String call = "open(\"" + path + "\", 0" + Integer.toOctalString(flags) + ", 0" + Integer.toOctalString(mode)
                + ")";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(CAPTURE);
            int fd = (int) OPEN.invokeExact(st, arena.allocateFrom(path), flags, mode);
            return checkInt(call, fd, st);
        } catch (AepException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(call, t);
        }
    }

    /** Like {@link #open} but returns the negative errno instead of throwing. */
    static int tryOpen(String path, int flags, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(CAPTURE);
            int fd = (int) OPEN.invokeExact(st, arena.allocateFrom(path), flags, mode);
            return fd < 0 ? -errno(st) : fd;
        } catch (Throwable t) {
            throw unexpected("open(\"" + path + "\")", t);
        }
    }

    static void close(int fd) {
        String call = "close(" + fd + ")";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(CAPTURE);
            checkInt(call, (int) CLOSE.invokeExact(st, fd), st);
        } catch (AepException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(call, t);
        }
    }

    static void ftruncate(int fd, long size) {
        String call = "ftruncate(" + fd + ", " + size + ")";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(CAPTURE);
            checkInt(call, (int) FTRUNCATE.invokeExact(st, fd, size), st);
        } catch (AepException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(call, t);
        }
    }

    static void fallocate(int fd, int mode, long offset, long length) {
        String call = "fallocate(" + fd + ", " + mode + ", " + offset + ", " + length + ")";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(CAPTURE);
            checkInt(call, (int) FALLOCATE.invokeExact(st, fd, mode, offset, length), st);
        } catch (AepException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(call, t);
        }
    }

    static long lseek(int fd, long offset, int whence) {
        String call = "lseek(" + fd + ", " + offset + ", " + whence + ")";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(CAPTURE);
            return checkLong(call, (long) LSEEK.invokeExact(st, fd, offset, whence), st);
        } catch (AepException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(call, t);
        }
    }

    /** Reads one little-endian long at {@code offset}; returns it, or throws naming {@code what}. */
    static long preadLong(int fd, long offset, String what) {
        String call = "pread(" + fd + " (" + what + "), 8, " + offset + ")";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(CAPTURE);
            MemorySegment buf = arena.allocate(C.LONG);
            long n = (long) PREAD.invokeExact(st, fd, buf, 8L, offset);
            checkLong(call, n, st);
            if (n != 8) {
                throw new AepException(Errno.EIO, call + " returned " + n + " bytes instead of 8");
            }
            return buf.get(C.LONG, 0);
        } catch (AepException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(call, t);
        }
    }

    static long mmap(long address, long length, int prot, int flags, int fd, long offset) {
        String call = "mmap(" + hex(address) + ", " + length + ", " + prot + ", 0x" + Integer.toHexString(flags) + ", "
                + fd + ", " + offset + ")";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(CAPTURE);
            long r = (long) MMAP.invokeExact(st, address, length, prot, flags, fd, offset);
            if (r == -1L) {
                throw failure(call, errno(st));
            }
            return r;
        } catch (AepException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(call, t);
        }
    }

    static void munmap(long address, long length) {
        String call = "munmap(" + hex(address) + ", " + length + ")";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(CAPTURE);
            checkInt(call, (int) MUNMAP.invokeExact(st, address, length), st);
        } catch (AepException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(call, t);
        }
    }

    static void mprotect(long address, long length, int prot) {
        String call = "mprotect(" + hex(address) + ", " + length + ", " + prot + ")";
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(CAPTURE);
            checkInt(call, (int) MPROTECT.invokeExact(st, address, length, prot), st);
        } catch (AepException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(call, t);
        }
    }

    /** Returns 0 or the positive errno: madvise hints may be refused harmlessly. */
    static int madvise(long address, long length, int advice) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(CAPTURE);
            int r = (int) MADVISE.invokeExact(st, address, length, advice);
            return r < 0 ? errno(st) : 0;
        } catch (Throwable t) {
            throw unexpected("madvise(" + hex(address) + ", " + length + ", " + advice + ")", t);
        }
    }

    /** A raw syscall with two arguments; returns the result or the negative errno. */
    static long syscall(long number, long a1, long a2) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(CAPTURE);
            long r = (long) SYSCALL3.invokeExact(st, number, a1, a2);
            return r == -1L ? -errno(st) : r;
        } catch (Throwable t) {
            throw unexpected("syscall(" + number + ")", t);
        }
    }

    /** A raw syscall with four arguments; returns the result or the negative errno. */
    static long syscall(long number, long a1, long a2, long a3, long a4) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = arena.allocate(CAPTURE);
            long r = (long) SYSCALL5.invokeExact(st, number, a1, a2, a3, a4);
            return r == -1L ? -errno(st) : r;
        } catch (Throwable t) {
            throw unexpected("syscall(" + number + ")", t);
        }
    }

    private static int checkInt(String call, int result, MemorySegment capture) {
        if (result < 0) {
            throw failure(call, errno(capture));
        }
        return result;
    }

    private static long checkLong(String call, long result, MemorySegment capture) {
        if (result < 0) {
            throw failure(call, errno(capture));
        }
        return result;
    }

    /** The exception for a failed call: the errno mapped to {@link Errno} where it has a constant, else EIO. */
    static AepException failure(String call, int errno) {
        return new AepException(mapErrno(errno), call + " failed: " + errnoName(errno) + " (errno " + errno + ")");
    }

    static Errno mapErrno(int errno) {
        if (errno == 38) { // ENOSYS: the kernel lacks the call
            return Errno.EOPNOTSUPP;
        }
        for (Errno e : Errno.values()) {
            if (e.code() == errno) {
                return e;
            }
        }
        return Errno.EIO;
    }

    static String errnoName(int errno) {
        return switch (errno) {
            case 1 -> "EPERM";
            case 2 -> "ENOENT";
            case 4 -> "EINTR";
            case 5 -> "EIO";
            case 9 -> "EBADF";
            case 11 -> "EAGAIN";
            case 12 -> "ENOMEM";
            case 13 -> "EACCES";
            case 14 -> "EFAULT";
            case 16 -> "EBUSY";
            case 17 -> "EEXIST";
            case 19 -> "ENODEV";
            case 20 -> "ENOTDIR";
            case 21 -> "EISDIR";
            case 22 -> "EINVAL";
            case 23 -> "ENFILE";
            case 24 -> "EMFILE";
            case 27 -> "EFBIG";
            case 28 -> "ENOSPC";
            case 29 -> "ESPIPE";
            case 30 -> "EROFS";
            case 36 -> "ENAMETOOLONG";
            case 38 -> "ENOSYS";
            case 95 -> "EOPNOTSUPP";
            case 116 -> "ESTALE";
            default -> "errno " + errno;
        };
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}

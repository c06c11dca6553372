package org.aepdsm.dsm.os;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;

/**
 * One userfaultfd file descriptor (Linux x86-64) and the ioctls on it.
 *
 * <pre>
 *   open:  /dev/userfaultfd + USERFAULTFD_IOC_NEW, else the userfaultfd(2) syscall; then UFFDIO_API
 *   ioctl numbers (_IOWR/_IOR(0xAA, nr, struct)):
 *     UFFDIO_API          0xc018aa3f  { api, features, ioctls }                  24 bytes
 *     UFFDIO_REGISTER     0xc020aa00  { start, len, mode, ioctls }               32 bytes
 *     UFFDIO_UNREGISTER   0x8010aa01  { start, len }                             16 bytes
 *     UFFDIO_WAKE         0x8010aa02  { start, len }
 *     UFFDIO_COPY         0xc028aa03  { dst, src, len, mode, copy }              40 bytes
 *     UFFDIO_WRITEPROTECT 0xc018aa06  { start, len, mode }                       24 bytes
 *   uffd_msg (32 bytes): event u8 @0 (0x12 = page fault), flags u64 @8 (1 WRITE, 2 WP), address u64 @16
 * </pre>
 *
 * Thread-safe: ioctls on one descriptor may come from any thread; each call uses its own scratch memory.
 * Owns the descriptor; {@link #close()} closes it.
 */
final class Userfaultfd implements AutoCloseable {
    static final long UFFD_API = 0xAA;
    static final long UFFDIO_API = 0xc018aa3fL;
    static final long UFFDIO_REGISTER = 0xc020aa00L;
    static final long UFFDIO_UNREGISTER = 0x8010aa01L;
    static final long UFFDIO_WAKE = 0x8010aa02L;
    static final long UFFDIO_COPY = 0xc028aa03L;
    static final long UFFDIO_WRITEPROTECT = 0xc018aa06L;
    static final long USERFAULTFD_IOC_NEW = 0xaa00L;
    static final long MODE_MISSING = 1;
    static final long MODE_WP = 2;
    static final long COPY_MODE_WP = 2;
    static final long WRITEPROTECT_MODE_WP = 1;
    static final long FEATURE_PAGEFAULT_FLAG_WP = 1;
    static final int EVENT_PAGEFAULT = 0x12;
    static final long FLAG_WRITE = 1;
    static final long FLAG_WP = 2;
    static final int MSG_SIZE = 32;

    private final int fd;
    private final boolean writeProtect;

    private Userfaultfd(int fd, boolean writeProtect) {
        this.fd = fd;
        this.writeProtect = writeProtect;
    }

    int fd() {
        return fd;
    }

    /** Whether the kernel reports write-protect faults on anonymous memory. */
    boolean writeProtect() {
        return writeProtect;
    }

    /**
     * Opens a descriptor with write-protect support requested.
     *
     * @throws AepException EOPNOTSUPP naming each way that was tried and why it failed
     */
    static Userfaultfd open() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment box = Linux.errnoBox(arena);
            int flags = Linux.O_CLOEXEC | Linux.O_NONBLOCK;
            String devError;
            int uffd = -1;
            int dev = Linux.open(box, arena.allocateFrom("/dev/userfaultfd"), Linux.O_RDWR | Linux.O_CLOEXEC);
            if (dev < 0) {
                devError = "open /dev/userfaultfd failed with " + Linux.errnoName(Linux.errno(box));
            } else {
                uffd = Linux.ioctl(box, dev, USERFAULTFD_IOC_NEW, flags);
                devError = uffd < 0 ? "USERFAULTFD_IOC_NEW failed with " + Linux.errnoName(Linux.errno(box)) : null;
                Linux.close(box, dev);
            }
            if (uffd < 0) {
                long r = Linux.syscall(box, Linux.SYS_USERFAULTFD, flags);
                if (r < 0) {
                    throw new AepException(Errno.EOPNOTSUPP, "userfaultfd is unavailable: " + devError
                            + ", and the userfaultfd syscall failed with " + Linux.errnoName(Linux.errno(box))
                            + " (/proc/sys/vm/unprivileged_userfaultfd = " + unprivilegedSetting() + ")");
                }
                uffd = (int) r;
            }
            MemorySegment api = arena.allocate(24, 8);
            api.set(ValueLayout.JAVA_LONG, 0, UFFD_API);
            api.set(ValueLayout.JAVA_LONG, 8, FEATURE_PAGEFAULT_FLAG_WP);
            if (Linux.ioctl(box, uffd, UFFDIO_API, api) < 0) {
                int err = Linux.errno(box);
                Linux.close(box, uffd);
                throw new AepException(Errno.EOPNOTSUPP, "UFFDIO_API with write-protect faults failed with "
                        + Linux.errnoName(err) + ": this kernel has no userfaultfd write-protect for anonymous memory");
            }
            boolean wp = (api.get(ValueLayout.JAVA_LONG, 8) & FEATURE_PAGEFAULT_FLAG_WP) != 0;
            return new Userfaultfd(uffd, wp);
        }
    }

    private static String unprivilegedSetting() {
        try {
            return Files.readString(Path.of("/proc/sys/vm/unprivileged_userfaultfd")).trim();
        } catch (IOException e) {
            return "unreadable";
        }
    }

    /** Registers a range for missing-page and write-protect faults. */
    void register(long address, long length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment box = Linux.errnoBox(arena);
            MemorySegment reg = arena.allocate(32, 8);
            reg.set(ValueLayout.JAVA_LONG, 0, address);
            reg.set(ValueLayout.JAVA_LONG, 8, length);
            reg.set(ValueLayout.JAVA_LONG, 16, MODE_MISSING | MODE_WP);
            if (Linux.ioctl(box, fd, UFFDIO_REGISTER, reg) < 0) {
                throw new AepException(Errno.EOPNOTSUPP, "UFFDIO_REGISTER of 0x" + Long.toHexString(address) + " ("
                        + length + " bytes, missing + write-protect) failed with " + Linux.errnoName(Linux.errno(box)));
            }
        }
    }

    /** Places a page's data at {@code dst} (which must be missing) and wakes threads waiting on it. */
    void copy(long dst, MemorySegment src, boolean writeProtected) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment box = Linux.errnoBox(arena);
            MemorySegment c = arena.allocate(40, 8);
            c.set(ValueLayout.JAVA_LONG, 0, dst);
            c.set(ValueLayout.JAVA_LONG, 8, src.address());
            c.set(ValueLayout.JAVA_LONG, 16, src.byteSize());
            c.set(ValueLayout.JAVA_LONG, 24, writeProtected ? COPY_MODE_WP : 0);
            if (Linux.ioctl(box, fd, UFFDIO_COPY, c) < 0) {
                throw new IllegalStateException("UFFDIO_COPY to 0x" + Long.toHexString(dst) + " failed with "
                        + Linux.errnoName(Linux.errno(box)));
            }
        }
    }

    /** Sets or clears write protection of a present range; clearing wakes threads waiting on it. */
    void writeProtect(long address, long length, boolean protect) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment box = Linux.errnoBox(arena);
            MemorySegment w = arena.allocate(24, 8);
            w.set(ValueLayout.JAVA_LONG, 0, address);
            w.set(ValueLayout.JAVA_LONG, 8, length);
            w.set(ValueLayout.JAVA_LONG, 16, protect ? WRITEPROTECT_MODE_WP : 0);
            if (Linux.ioctl(box, fd, UFFDIO_WRITEPROTECT, w) < 0) {
                throw new IllegalStateException("UFFDIO_WRITEPROTECT of 0x" + Long.toHexString(address) + " failed with "
                        + Linux.errnoName(Linux.errno(box)));
            }
        }
    }

    /** Wakes threads waiting on a range whose fault was resolved some other way. */
    void wake(long address, long length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment box = Linux.errnoBox(arena);
            MemorySegment r = arena.allocate(16, 8);
            r.set(ValueLayout.JAVA_LONG, 0, address);
            r.set(ValueLayout.JAVA_LONG, 8, length);
            Linux.ioctl(box, fd, UFFDIO_WAKE, r);
        }
    }

    void unregister(long address, long length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment box = Linux.errnoBox(arena);
            MemorySegment r = arena.allocate(16, 8);
            r.set(ValueLayout.JAVA_LONG, 0, address);
            r.set(ValueLayout.JAVA_LONG, 8, length);
            Linux.ioctl(box, fd, UFFDIO_UNREGISTER, r);
        }
    }

    @Override
    public void close() {
        try (Arena arena = Arena.ofConfined()) {
            Linux.close(Linux.errnoBox(arena), fd);
        }
    }
}

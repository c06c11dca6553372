package org.aepdsm.backend.os.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;

/**
 * A window onto physical memory: {@code size} bytes of a memory device ({@code /dev/mem}, a DAX
 * device, or a file standing in for one) mapped {@code MAP_SHARED} read-write from {@code offset},
 * opened {@code O_SYNC} so that {@code /dev/mem} maps it uncached.
 *
 * <p>Every argument is checked before the kernel sees it: offset and size page-aligned and positive,
 * and for a regular file the window inside the file (a mapping past its end would fault on access).
 * Lifetime as {@link FileMapping}: {@link #close()} closes the arena, then unmaps.
 * Thread-safety: the segment may be used from any thread; close is idempotent.
 */
public final class PhysicalWindow implements AutoCloseable {
    private final String device;
    private final long address;
    private final long size;
    private final Arena arena;
    private final MemorySegment segment;
    private volatile boolean open = true;

    private PhysicalWindow(String device, long address, long size) {
        this.device = device;
        this.address = address;
        this.size = size;
        this.arena = Arena.ofShared();
        this.segment = MemorySegment.ofAddress(address).reinterpret(size, arena, null);
    }

    /**
     * Maps the window.
     *
     * @throws AepException ENODEV if the device does not exist, EACCES/EPERM if it may not be opened or
     *                      mapped (naming the path and the kernel's reason), EINVAL for an unaligned or
     *                      empty range or one past the end of a regular file
     */
    public static PhysicalWindow map(Path device, long offset, long size) {
        String path = device.toString();
        if (offset < 0 || (offset & (Posix.PAGE - 1)) != 0) {
            throw new AepException(Errno.EINVAL, "offset " + Posix.hex(offset) + " into " + path
                    + " is not a non-negative multiple of 0x1000");
        }
        if (size <= 0 || (size & (Posix.PAGE - 1)) != 0) {
            throw new AepException(Errno.EINVAL, "size " + Posix.hex(size) + " is not a positive multiple of 0x1000");
        }
        if (!Files.exists(device)) {
            throw new AepException(Errno.ENODEV, "device " + path + " does not exist");
        }
        if (Files.isDirectory(device)) {
            throw new AepException(Errno.ENODEV, path + " is a directory, not a memory device");
        }
        if (Files.isRegularFile(device)) {
            long length;
            try {
                length = Files.size(device);
            } catch (java.io.IOException e) {
                throw new AepException(Errno.EIO, "cannot read the size of " + path + ": " + e.getMessage(), e);
            }
            if (offset > length || size > length - offset) {
                throw new AepException(Errno.EINVAL, "range " + Posix.hex(offset) + "+" + Posix.hex(size)
                        + " leaves " + path + " (" + Posix.hex(length) + " bytes)");
            }
        }
        int fd = Posix.tryOpen(path, Posix.O_RDWR | Posix.O_SYNC | Posix.O_CLOEXEC, 0);
        if (fd < 0) {
            throw new AepException(Posix.mapErrno(-fd), "cannot open " + path + " read-write: "
                    + Posix.errnoName(-fd) + (-fd == 13 || -fd == 1 ? " (permission denied; root is needed)" : ""));
        }
        try {
            long address;
            try {
                address = Posix.mmap(0, size, Posix.PROT_READ | Posix.PROT_WRITE, Posix.MAP_SHARED, fd, offset);
            } catch (AepException e) {
                throw new AepException(e.errno(), "cannot map " + Posix.hex(size) + " bytes of " + path + " at "
                        + Posix.hex(offset) + ": " + e.getMessage()
                        + (e.errno() == Errno.EPERM ? " (the kernel restricts this range of " + path + ")" : ""), e);
            }
            return new PhysicalWindow(path, address, size);
        } finally {
            Posix.close(fd);
        }
    }

    /** The device path. */
    public String device() {
        return device;
    }

    /** The address the window is mapped at, for people. */
    public long address() {
        return address;
    }

    /** The window's bytes; inaccessible after {@link #close()}. */
    public MemorySegment segment() {
        return segment;
    }

    /** The window's size. */
    public long size() {
        return size;
    }

    @Override
    public synchronized void close() {
        if (open) {
            open = false;
            FileMapping.closeThenUnmap(arena, address, size);
        }
    }
}

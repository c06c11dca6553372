package org.aepdsm.backend.os.ffm;

import java.nio.file.Files;
import java.nio.file.Path;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;

/**
 * An open file descriptor of memory: a {@code memfd}, a {@code /dev/shm} file or a device, and
 * its size in bytes (a multiple of 4096).
 *
 * <p>Ownership: the creator owns the descriptor and closes it with {@link #close()}; mappings made
 * from it stay valid after the close (the kernel keeps the file while it is mapped).
 * Thread-safety: all methods may be called from any thread; {@link #close()} must not race with
 * other calls on the same object (its owners serialize them).
 */
public final class MemoryFile implements AutoCloseable {
    private final int fd;
    private final long size;
    private final String description;
    private volatile boolean open = true;

    private MemoryFile(int fd, long size, String description) {
        this.fd = fd;
        this.size = size;
        this.description = description;
    }

    /**
     * An anonymous memory file ({@code memfd_create}) of {@code size} bytes, all zero.
     *
     * @throws AepException EINVAL for a bad size, or the mapped errno of the failed call
     */
    public static MemoryFile anonymous(String name, long size) {
        checkSize(size, "memfd:" + name);
        int fd = Posix.memfdCreate(name, Posix.MFD_CLOEXEC);
        try {
            Posix.ftruncate(fd, size);
        } catch (AepException e) {
            Posix.close(fd);
            throw e;
        }
        return new MemoryFile(fd, size, "memfd:" + name);
    }

    /**
     * Creates the file at {@code path}, or resets an existing one, to {@code size} zero bytes.
     *
     * @throws AepException EINVAL for a bad size, or the mapped errno of {@code open}/{@code ftruncate}
     */
    public static MemoryFile create(Path path, long size) {
        checkSize(size, path.toString());
        int fd = Posix.open(path.toString(), Posix.O_RDWR | Posix.O_CREAT | Posix.O_CLOEXEC, 0600);
        try {
            // truncating to 0 first drops every old byte, so an existing pool comes back zeroed
            Posix.ftruncate(fd, 0);
            Posix.ftruncate(fd, size);
        } catch (AepException e) {
            Posix.close(fd);
            throw e;
        }
        return new MemoryFile(fd, size, path.toString());
    }

    /**
     * Opens the existing file at {@code path} with its current size.
     *
     * @throws AepException ENOENT naming the path if it does not exist, EINVAL if its size is zero or
     *                      not a multiple of 4096, or the mapped errno of {@code open}
     */
    public static MemoryFile attach(Path path) {
        int fd = Posix.tryOpen(path.toString(), Posix.O_RDWR | Posix.O_CLOEXEC, 0);
        if (fd == -2) {
            throw new AepException(Errno.ENOENT, "shared pool " + path + " does not exist (attach needs a pool "
                    + "that another client or process created)");
        }
        if (fd < 0) {
            throw Posix.failure("open(\"" + path + "\", O_RDWR)", -fd);
        }
        long size;
        try {
            size = Posix.lseek(fd, 0, Posix.SEEK_END);
            checkSize(size, path.toString());
        } catch (AepException e) {
            Posix.close(fd);
            throw e;
        }
        return new MemoryFile(fd, size, path.toString());
    }

    /**
     * Opens, read-write, the memory file another process exported: {@code /proc/<pid>/fd/<n>} of its
     * {@code memfd} (the kernel lets the same user, or root, open another process's descriptors), or
     * a {@code /dev/shm} file. The caller has checked that the path names memory, not a disk file.
     *
     * @throws AepException ENOENT naming the path if the process or descriptor is gone, EACCES if the
     *                      kernel refuses, EINVAL if the size is not a positive multiple of 4096
     */
    public static MemoryFile reopen(Path path) {
        int fd = Posix.tryOpen(path.toString(), Posix.O_RDWR | Posix.O_CLOEXEC, 0);
        if (fd == -2) {
            throw new AepException(Errno.ENOENT, "memory file " + path + " does not exist (its process exited "
                    + "or closed it)");
        }
        if (fd < 0) {
            throw Posix.failure("open(\"" + path + "\", O_RDWR)", -fd);
        }
        long size;
        try {
            size = Posix.lseek(fd, 0, Posix.SEEK_END);
            checkSize(size, path.toString());
        } catch (AepException e) {
            Posix.close(fd);
            throw e;
        }
        return new MemoryFile(fd, size, path.toString());
    }

    /**
     * Opens a memory device such as {@code /dev/dax0.0}; {@code size} bytes of it are used.
     *
     * @throws AepException ENODEV naming the path if the device is missing, EINVAL for a bad size
     */
    public static MemoryFile device(Path path, long size) {
        if (!Files.exists(path)) {
            throw new AepException(Errno.ENODEV, "device " + path + " does not exist");
        }
        checkSize(size, path.toString());
        int fd = Posix.tryOpen(path.toString(), Posix.O_RDWR | Posix.O_CLOEXEC, 0);
        if (fd == -2 || fd == -19 || fd == -6) { // ENOENT, ENODEV, ENXIO: the device went away
            throw new AepException(Errno.ENODEV, "device " + path + " cannot be opened: " + Posix.errnoName(-fd));
        }
        if (fd < 0) {
            throw Posix.failure("open(\"" + path + "\", O_RDWR)", -fd);
        }
        return new MemoryFile(fd, size, path.toString());
    }

    private static void checkSize(long size, String what) {
        if (size <= 0 || (size & (Posix.PAGE - 1)) != 0) {
            throw new AepException(Errno.EINVAL, "size " + size + " of " + what
                    + " is not a positive multiple of 4096");
        }
    }

    /** The size in bytes. */
    public long size() {
        return size;
    }

    /** {@code memfd:<name>} or the path. */
    public String description() {
        return description;
    }

    /**
     * The path through which another process of the same user opens this very file:
     * {@code /proc/<this pid>/fd/<descriptor>}.
     *
     * @throws AepException ESTALE once closed
     */
    public String processPath() {
        return "/proc/" + ProcessHandle.current().pid() + "/fd/" + fd();
    }

    /** Whether the descriptor is still open. */
    public boolean isOpen() {
        return open;
    }

    int fd() {
        checkOpen();
        return fd;
    }

    void checkOpen() {
        if (!open) {
            throw new AepException(Errno.ESTALE, description + " is closed");
        }
    }

    /**
     * Gives the bytes of {@code [offset, offset + length)} back to the kernel; they read as zero
     * afterwards, through every mapping.
     *
     * @throws AepException EINVAL if the range is unaligned to 4096, empty or leaves the file
     */
    public void punchHole(long offset, long length) {
        Ranges.checkPages(offset, length, size, description);
        Posix.fallocate(fd(), Posix.FALLOC_FL_PUNCH_HOLE | Posix.FALLOC_FL_KEEP_SIZE, offset, length);
    }

    /** Closes the descriptor. Idempotent. */
    @Override
    public void close() {
        if (open) {
            open = false;
            Posix.close(fd);
        }
    }

    @Override
    public String toString() {
        return description + " (" + size + " bytes)";
    }
}

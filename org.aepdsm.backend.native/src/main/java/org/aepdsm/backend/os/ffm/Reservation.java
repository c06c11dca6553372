package org.aepdsm.backend.os.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.Protection;

/**
 * A reserved range of this process's virtual addresses, aligned to 2 MiB, into which file pages are
 * mapped with {@code MAP_FIXED}.
 *
 * <pre>
 *  base                                                        base + size
 *   |  PROT_NONE anon  | file pages (MAP_SHARED/PRIVATE) |  PROT_NONE anon  |
 *   '---- every byte of the range always belongs to this reservation -------'
 * </pre>
 *
 * <p>Invariant: the whole range stays mapped by this reservation from creation until
 * {@link #close()}: removing file pages maps fresh {@code PROT_NONE|MAP_NORESERVE} anonymous memory
 * over them instead of unmapping, so no other mmap of the JVM can land inside, and every
 * {@code MAP_FIXED} this class issues is checked to lie inside. That is what makes
 * {@code MAP_FIXED} safe here.
 *
 * <p>The kernel rights here are only a second line: the owner checks every access in Java before
 * touching {@link #segment()}. Execute rights are never given to the kernel: nothing executes from
 * these pages through this API, and memfd mappings may be non-executable.
 *
 * <p>Thread-safety: the owner serializes mapping changes against accesses and against
 * {@link #close()}; {@link #segment()} itself may be read from any thread.
 */
public final class Reservation implements AutoCloseable {
    /** The alignment of every reservation. */
    public static final long ALIGNMENT = 2L << 20;

    private final long base;
    private final long size;
    private final Arena arena;
    private final MemorySegment segment;
    private volatile boolean open = true;

    private Reservation(long base, long size) {
        this.base = base;
        this.size = size;
        this.arena = Arena.ofShared();
        this.segment = MemorySegment.ofAddress(base).reinterpret(size, arena, null);
    }

    /**
     * Reserves {@code size} bytes aligned to {@link #ALIGNMENT}.
     *
     * @throws AepException EINVAL if the size is zero or unaligned, ENOMEM if the kernel refuses
     */
    public static Reservation reserve(long size) {
        if (size <= 0 || (size & (ALIGNMENT - 1)) != 0 || size > (1L << 46)) {
            throw new AepException(Errno.EINVAL, "size " + size + " is not a positive multiple of 2 MiB below 64 TiB");
        }
        int flags = Posix.MAP_PRIVATE | Posix.MAP_ANONYMOUS | Posix.MAP_NORESERVE;
        long raw = Posix.mmap(0, size + ALIGNMENT, Posix.PROT_NONE, flags, -1, 0);
        long base = (raw + ALIGNMENT - 1) & ~(ALIGNMENT - 1);
        if (base > raw) {
            Posix.munmap(raw, base - raw);
        }
        long tail = raw + size + ALIGNMENT - (base + size);
        if (tail > 0) {
            Posix.munmap(base + size, tail);
        }
        return new Reservation(base, size);
    }

    /** The first address. */
    public long base() {
        return base;
    }

    /** The size in bytes. */
    public long size() {
        return size;
    }

    /**
     * The bytes of the whole range; loads of pages the kernel has no rights for would fault, so the
     * owner checks first. Inaccessible after {@link #close()}.
     */
    public MemorySegment segment() {
        return segment;
    }

    /**
     * Maps {@code length} bytes of {@code file} from {@code fileOffset} at {@code offset} of the range.
     *
     * @param shared true for {@code MAP_SHARED}, false for {@code MAP_PRIVATE}
     * @throws AepException EINVAL if either range is unaligned, empty or out of bounds
     */
    public void mapFile(long offset, long length, MemoryFile file, long fileOffset, Protection protection,
            boolean shared) {
        mapFile(offset, length, file, fileOffset, protection, shared, false);
    }

    /**
     * As {@link #mapFile(long, long, MemoryFile, long, Protection, boolean)}; with {@code populate} the
     * kernel fills every page-table entry of the range at once ({@code MAP_POPULATE}), as page-by-page
     * mapping does, instead of on first touch.
     */
    public void mapFile(long offset, long length, MemoryFile file, long fileOffset, Protection protection,
            boolean shared, boolean populate) {
        checkOpen();
        Ranges.checkPages(offset, length, size, "reservation " + Posix.hex(base));
        Ranges.checkPages(fileOffset, length, file.size(), file.description());
        int flags = Posix.MAP_FIXED | (shared ? Posix.MAP_SHARED : Posix.MAP_PRIVATE)
                | (populate ? Posix.MAP_POPULATE : 0);
        long at = Posix.mmap(base + offset, length, kernelRights(protection), flags, file.fd(), fileOffset);
        if (at != base + offset) {
            throw new AepException(Errno.EIO, "mmap MAP_FIXED at " + Posix.hex(base + offset) + " returned "
                    + Posix.hex(at));
        }
    }

    /** Replaces {@code [offset, offset + length)} with inaccessible reserved memory again. */
    public void clear(long offset, long length) {
        checkOpen();
        Ranges.checkPages(offset, length, size, "reservation " + Posix.hex(base));
        int flags = Posix.MAP_FIXED | Posix.MAP_PRIVATE | Posix.MAP_ANONYMOUS | Posix.MAP_NORESERVE;
        Posix.mmap(base + offset, length, Posix.PROT_NONE, flags, -1, 0);
    }

    /** Sets the kernel rights of {@code [offset, offset + length)}, which must hold file pages. */
    public void protect(long offset, long length, Protection protection) {
        checkOpen();
        Ranges.checkPages(offset, length, size, "reservation " + Posix.hex(base));
        Posix.mprotect(base + offset, length, kernelRights(protection));
    }

    private static int kernelRights(Protection p) {
        return (p.canRead() ? Posix.PROT_READ : 0) | (p.canWrite() ? Posix.PROT_WRITE : 0);
    }

    private void checkOpen() {
        if (!open) {
            throw new AepException(Errno.ESTALE, "reservation " + Posix.hex(base) + " is released");
        }
    }

    /** Makes {@link #segment()} inaccessible, then releases the range. Idempotent. */
    @Override
    public synchronized void close() {
        if (open) {
            open = false;
            FileMapping.closeThenUnmap(arena, base, size);
        }
    }
}

package org.aepdsm.backend.os.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;

/**
 * A whole {@link MemoryFile} mapped once {@code MAP_SHARED} read-write into this process, reached
 * through one {@link MemorySegment} of a shared {@link Arena}.
 *
 * <p>Lifetime: {@link #close()} first closes the arena, so every segment handed out (slices
 * included) throws {@link IllegalStateException} from then on, and only afterwards unmaps the
 * range; a stale segment therefore never touches unmapped memory. If the arena cannot be closed
 * (a downcall still holds one of its segments) the range stays mapped rather than risk a crash.
 *
 * <p>Thread-safety: the segment may be used from any thread; {@link #close()} is idempotent and
 * safe against concurrent accesses (the shared arena's handshake).
 */
public final class FileMapping implements AutoCloseable {
    private final MemoryFile file;
    private final long address;
    private final long size;
    private final Arena arena;
    private final MemorySegment segment;
    private volatile boolean open = true;

    private FileMapping(MemoryFile file, long address, long size) {
        this.file = file;
        this.address = address;
        this.size = size;
        this.arena = Arena.ofShared();
        this.segment = MemorySegment.ofAddress(address).reinterpret(size, arena, null);
    }

    /** Maps all of {@code file} read-write and shared. */
    public static FileMapping map(MemoryFile file) {
        long address = Posix.mmap(0, file.size(), Posix.PROT_READ | Posix.PROT_WRITE, Posix.MAP_SHARED, file.fd(), 0);
        return new FileMapping(file, address, file.size());
    }

    /** The mapped file. */
    public MemoryFile file() {
        return file;
    }

    /** The bytes of the whole file; inaccessible after {@link #close()}. */
    public MemorySegment segment() {
        return segment;
    }

    /** The size in bytes. */
    public long size() {
        return size;
    }

    /** Whether the mapping is still there. */
    public boolean isOpen() {
        return open;
    }

    /**
     * The virtual address of {@code offset}, for {@link Pagemap} lookups only (never dereferenced
     * outside this package).
     *
     * @throws AepException EINVAL if the offset leaves the mapping
     */
    public long addressOf(long offset) {
        if (offset < 0 || offset >= size) {
            throw new AepException(Errno.EINVAL, "offset " + offset + " leaves " + file.description() + " of " + size
                    + " bytes");
        }
        return address + offset;
    }

    /**
     * Makes sure the page at {@code offset} is in this process's page tables, so that
     * {@code /proc/self/pagemap} shows its frame.
     */
    public void populate(long offset) {
        long page = addressOf(offset) & ~(Posix.PAGE - 1);
        checkOpen();
        if (Posix.madvise(page, Posix.PAGE, Posix.MADV_POPULATE_READ) != 0) {
            // kernels before 5.14 lack MADV_POPULATE_READ: a load populates the entry as well
            segment.get(ValueLayout.JAVA_BYTE, page - address);
        }
    }

    /**
     * Tags {@code [offset, offset + length)} with protection key {@code key}, keeping read-write rights.
     *
     * @throws AepException EINVAL if the range is unaligned or leaves the mapping, or the mapped errno
     */
    public void protectWithKey(long offset, long length, int key) {
        Ranges.checkPages(offset, length, size, file.description());
        checkOpen();
        long r = ProtectionKeys.pkeyMprotect(address + offset, length, Posix.PROT_READ | Posix.PROT_WRITE, key);
        if (r < 0) {
            throw Posix.failure("pkey_mprotect(" + Posix.hex(address + offset) + ", " + length + ", RW, " + key + ")",
                    (int) -r);
        }
    }

    private void checkOpen() {
        if (!open) {
            throw new AepException(Errno.ESTALE, "mapping of " + file.description() + " is closed");
        }
    }

    /** Closes the arena, then unmaps. Idempotent. */
    @Override
    public synchronized void close() {
        if (!open) {
            return;
        }
        open = false;
        closeThenUnmap(arena, address, size);
    }

    /**
     * Closes {@code arena} and, only if that succeeded, unmaps the range its segments covered.
     *
     * @return whether the range was unmapped
     */
    static boolean closeThenUnmap(Arena arena, long address, long size) {
        try {
            arena.close();
        } catch (IllegalStateException e) {
            System.getLogger(FileMapping.class.getName()).log(System.Logger.Level.WARNING,
                    "memory at " + Posix.hex(address) + " (" + size + " bytes) stays mapped: its arena is in use", e);
            return false;
        }
        Posix.munmap(address, size);
        return true;
    }
}

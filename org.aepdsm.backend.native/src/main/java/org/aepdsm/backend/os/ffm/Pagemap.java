package org.aepdsm.backend.os.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;

/**
 * This process's {@code /proc/self/pagemap}: for every virtual page an 8-byte entry at offset
 * {@code vpn * 8}, bit 63 "present", bit 62 "swapped", bits 0-54 the physical frame number.
 * Without {@code CAP_SYS_ADMIN} the kernel reports frame number 0 for every page; {@link #open()}
 * finds that out on a page of its own and then reports the source as unavailable, with the reason.
 *
 * <p>Ownership: the opener closes it. Thread-safety: {@link #frameNumber} may be called from any
 * thread ({@code pread} has no shared file position); {@link #close()} must not race with it.
 */
public final class Pagemap implements AutoCloseable {
    /** The file read. */
    public static final String PATH = "/proc/self/pagemap";

    private static final long PRESENT = 1L << 63;
    private static final long SWAPPED = 1L << 62;
    private static final long PFN_MASK = (1L << 55) - 1;
    private static final long USER_LIMIT = 1L << 47;

    private final int fd;
    private final String unavailable;
    private volatile boolean open = true;

    private Pagemap(int fd, String unavailable) {
        this.fd = fd;
        this.unavailable = unavailable;
    }

    /** Opens the pagemap and checks that it shows real frame numbers. Never throws for an unreadable file. */
    public static Pagemap open() {
        int fd = Posix.tryOpen(PATH, Posix.O_RDONLY | Posix.O_CLOEXEC, 0);
        if (fd < 0) {
            return new Pagemap(-1, "cannot open " + PATH + ": " + Posix.errnoName(-fd));
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment probe = arena.allocate(Posix.PAGE, Posix.PAGE);
            probe.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
            long entry = Posix.preadLong(fd, (probe.address() >>> 12) * 8, PATH);
            if ((entry & PRESENT) == 0 || (entry & PFN_MASK) == 0) {
                Posix.close(fd);
                return new Pagemap(-1, PATH + " hides frame numbers (reading them needs CAP_SYS_ADMIN)");
            }
        } catch (AepException e) {
            Posix.close(fd);
            return new Pagemap(-1, "cannot read " + PATH + ": " + e.getMessage());
        }
        return new Pagemap(fd, null);
    }

    /** Whether frame numbers can be read. */
    public boolean readable() {
        return unavailable == null && open;
    }

    /** Why frame numbers cannot be read, naming {@value #PATH}; empty when they can. */
    public String unavailableReason() {
        return unavailable == null ? (open ? "" : PATH + " is closed") : unavailable;
    }

    /**
     * The physical frame number of the page holding {@code address}, or -1 if that page is not in
     * this process's page tables (never touched, or swapped out).
     *
     * @throws AepException EOPNOTSUPP with the reason if frame numbers cannot be read; EINVAL for an
     *                      address outside user space
     */
    public long frameNumber(long address) {
        if (!readable()) {
            throw new AepException(Errno.EOPNOTSUPP, "physical frame numbers not available: " + unavailableReason());
        }
        if (address < 0 || address >= USER_LIMIT) {
            throw new AepException(Errno.EINVAL, "address " + Posix.hex(address) + " is outside user space");
        }
        long entry = Posix.preadLong(fd, (address >>> 12) * 8, PATH);
        if ((entry & PRESENT) == 0 || (entry & SWAPPED) != 0) {
            return -1;
        }
        long pfn = entry & PFN_MASK;
        if (pfn == 0) {
            throw new AepException(Errno.EOPNOTSUPP, "physical frame numbers not available: " + PATH
                    + " shows frame 0 for " + Posix.hex(address));
        }
        return pfn;
    }

    /** Closes the file. Idempotent. */
    @Override
    public synchronized void close() {
        if (open) {
            open = false;
            if (fd >= 0) {
                Posix.close(fd);
            }
        }
    }
}

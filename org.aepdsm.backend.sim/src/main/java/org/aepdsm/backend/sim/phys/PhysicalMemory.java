package org.aepdsm.backend.sim.phys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;

/**
 * The simulated machine's physical memory: banks of real bytes reserved lazily from the host
 * ({@link HostMemory}: untouched frames cost nothing and read as zero) and owned by one shared
 * {@link Arena} whose close unmaps them. This package is the only one of the bundle that touches
 * {@link MemorySegment}s.
 *
 * <p>Physical address layout. Bank {@code k} starts at {@code (k + 1) << 36}, so bank numbers
 * come straight out of an address and no bank starts at physical address 0:
 *
 * <pre>
 *   0x10_0000_0000  bank 0  (node 0 DRAM, then node 0's page-table zone)
 *   0x20_0000_0000  bank 1  (node 1 DRAM ...)
 *   ...
 *   (n+1) &lt;&lt; 36      bank n  (the CXL tier)
 *   bank k = (pa &gt;&gt;&gt; 36) - 1, offset = pa &amp; (2^36 - 1), a bank holds at most 64 GiB
 * </pre>
 *
 * <p>Every method checks the bank and the bounds before touching memory, so a wrong address
 * ends in an exception, never in a stray access. Words are little-endian, as x86-64 stores them.
 *
 * <p>Thread-safety: all methods may be called from any thread; concurrent accesses to the same
 * bytes are as racy as on real memory. {@link #close()} may run while other threads access the
 * memory: the shared arena makes their accesses fail with {@link IllegalStateException} and
 * frees the memory only when no access can reach it. Ownership: the instance owns the arena.
 */
public final class PhysicalMemory implements AutoCloseable {
    /** log2 of the physical address space reserved for each bank. */
    public static final int BANK_SHIFT = 36;
    /** The largest bank. */
    public static final long MAX_BANK_BYTES = 1L << BANK_SHIFT;
    private static final long OFFSET_MASK = MAX_BANK_BYTES - 1;
    private static final int CLOSE_ATTEMPTS = 100_000;
    /** Zero fills from this size on are done by discarding host pages. */
    private static final long DISCARD_THRESHOLD = 64 * 1024;

    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Arena arena;
    private final MemorySegment[] banks;

    /**
     * Reserves the banks, zero-filled: host memory is committed only as pages are touched.
     *
     * @param bankBytes the size of each bank, a positive multiple of 4096 up to {@link #MAX_BANK_BYTES}
     * @throws IllegalArgumentException for a bad size
     * @throws OutOfMemoryError         when the host cannot provide the memory (nothing stays allocated)
     */
    public PhysicalMemory(long[] bankBytes) {
        for (int k = 0; k < bankBytes.length; k++) {
            long b = bankBytes[k];
            if (b <= 0 || (b & 4095) != 0 || b > MAX_BANK_BYTES) {
                throw new IllegalArgumentException("bank " + k + " size " + b
                        + " is not a positive multiple of 4096 up to " + MAX_BANK_BYTES);
            }
        }
        this.arena = Arena.ofShared();
        this.banks = new MemorySegment[bankBytes.length];
        try {
            for (int k = 0; k < bankBytes.length; k++) {
                banks[k] = HostMemory.reserve(bankBytes[k], arena);
            }
        } catch (RuntimeException | OutOfMemoryError e) {
            arena.close();
            throw e;
        }
    }

    /** The number of banks. */
    public int bankCount() {
        return banks.length;
    }

    /** The physical address of the first byte of a bank. */
    public static long bankBase(int bank) {
        return (bank + 1L) << BANK_SHIFT;
    }

    /** Bytes in a bank. */
    public long bankBytes(int bank) {
        return banks[bank].byteSize();
    }

    /** The bank holding the physical address, or -1 if no bank does. */
    public int bankOf(long pa) {
        long k = (pa >>> BANK_SHIFT) - 1;
        if (k < 0 || k >= banks.length || (pa & OFFSET_MASK) >= banks[(int) k].byteSize()) {
            return -1;
        }
        return (int) k;
    }

    /** Loads a little-endian word. */
    public long readLong(long pa) {
        try {
            return bank(pa).get(WORD, pa & OFFSET_MASK);
        } catch (IllegalStateException closed) {
            throw gone(closed);
        }
    }

    /** Stores a little-endian word. */
    public void writeLong(long pa, long value) {
        try {
            bank(pa).set(WORD, pa & OFFSET_MASK, value);
        } catch (IllegalStateException closed) {
            throw gone(closed);
        }
    }

    /** Loads a byte. */
    public byte readByte(long pa) {
        try {
            return bank(pa).get(ValueLayout.JAVA_BYTE, pa & OFFSET_MASK);
        } catch (IllegalStateException closed) {
            throw gone(closed);
        }
    }

    /** Stores a byte. */
    public void writeByte(long pa, byte value) {
        try {
            bank(pa).set(ValueLayout.JAVA_BYTE, pa & OFFSET_MASK, value);
        } catch (IllegalStateException closed) {
            throw gone(closed);
        }
    }

    /** Copies {@code length} bytes from physical memory into an array. */
    public void copyOut(long pa, byte[] destination, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, destination.length);
        try {
            MemorySegment.copy(bank(pa), ValueLayout.JAVA_BYTE, pa & OFFSET_MASK, destination, offset, length);
        } catch (IllegalStateException closed) {
            throw gone(closed);
        }
    }

    /** Copies {@code length} bytes from an array into physical memory. */
    public void copyIn(byte[] source, int offset, long pa, int length) {
        Objects.checkFromIndexSize(offset, length, source.length);
        try {
            MemorySegment.copy(source, offset, bank(pa), ValueLayout.JAVA_BYTE, pa & OFFSET_MASK, length);
        } catch (IllegalStateException closed) {
            throw gone(closed);
        }
    }

    /** Copies bytes between two physical ranges (which must not overlap). */
    public void copy(long sourcePa, long destinationPa, long bytes) {
        try {
            MemorySegment.copy(bank(sourcePa), sourcePa & OFFSET_MASK, bank(destinationPa),
                    destinationPa & OFFSET_MASK, bytes);
        } catch (IllegalStateException closed) {
            throw gone(closed);
        }
    }

    /**
     * Fills a physical range with zeros. Large ranges give their whole host pages back instead of
     * writing them, so zeroing a big block neither costs time nor commits host memory.
     */
    public void zero(long pa, long bytes) {
        try {
            zeroRange(pa, bytes);
        } catch (IllegalStateException closed) {
            throw gone(closed);
        }
    }

    /**
     * An access that raced with {@link #close()}: the shared arena refused it. Frame allocation, zero
     * fills and copy-on-write copies run on paths whose callers expect the backend's own error, so they
     * get {@code ESTALE} instead of the arena's exception.
     */
    private static AepException gone(IllegalStateException closed) {
        return new AepException(Errno.ESTALE, "the simulated machine's memory is gone: the sim backend was"
                + " deactivated", closed);
    }

    private void zeroRange(long pa, long bytes) {
        MemorySegment r = range(pa, bytes);
        if (bytes < DISCARD_THRESHOLD) {
            r.fill((byte) 0);
            return;
        }
        MemorySegment b = bank(pa);
        long off = pa & OFFSET_MASK;
        long from = (off + HostMemory.PAGE - 1) & -HostMemory.PAGE;
        long to = (off + bytes) & -HostMemory.PAGE;
        if (!HostMemory.discard(b, from, to - from)) {
            r.fill((byte) 0);
            return;
        }
        b.asSlice(off, from - off).fill((byte) 0);
        b.asSlice(to, off + bytes - to).fill((byte) 0);
    }

    /**
     * Asks for transparent huge pages behind a physical range that will be used densely (see
     * {@link HostMemory#preferHugePages}); its contents do not change.
     *
     * @return the bytes of the range the kernel accepted the advice for (whole 2 MiB pages inside it)
     */
    public long preferHugePages(long pa, long bytes) {
        return HostMemory.preferHugePages(range(pa, bytes));
    }

    /** The bytes of a physical range, valid until {@link #close()}. */
    public MemorySegment slice(long pa, long bytes) {
        return range(pa, bytes);
    }

    /**
     * The bytes of a physical range seen through an arena of their own, so that closing the view
     * makes its segment inaccessible while the memory itself stays. Every view must be closed
     * before this memory is.
     */
    public View openView(long pa, long bytes) {
        MemorySegment r = range(pa, bytes);
        Arena scope = Arena.ofShared();
        return new View(scope, MemorySegment.ofAddress(r.address()).reinterpret(bytes, scope, null));
    }

    /**
     * A separately closable window on physical memory. Thread-safe; owned by whoever opened it.
     */
    public static final class View implements AutoCloseable {
        private final Arena scope;
        private final MemorySegment segment;

        private View(Arena scope, MemorySegment segment) {
            this.scope = scope;
            this.segment = segment;
        }

        /** The bytes; inaccessible ({@link IllegalStateException}) once the view is closed. */
        public MemorySegment segment() {
            return segment;
        }

        /** Makes the segment inaccessible, even to threads using it now. Idempotent. */
        @Override
        public void close() {
            closeArena(scope);
        }
    }

    /**
     * Frees every bank. Accesses racing with the close fail with {@link IllegalStateException};
     * segments handed out become inaccessible. Idempotent.
     */
    @Override
    public void close() {
        closeArena(arena);
    }

    /**
     * Closes a shared arena even while other threads access its segments: their accesses fail
     * with {@link IllegalStateException}. Idempotent.
     */
    private static void closeArena(Arena arena) {
        for (int i = 0; i < CLOSE_ATTEMPTS && arena.scope().isAlive(); i++) {
            try {
                arena.close();
                return;
            } catch (IllegalStateException busy) {
                // Another thread held the arena at that instant (possible on older JDKs); try again.
                Thread.yield();
            }
        }
        if (arena.scope().isAlive()) {
            throw new IllegalStateException("simulated memory stayed in use; it could not be released");
        }
    }

    private MemorySegment bank(long pa) {
        long k = (pa >>> BANK_SHIFT) - 1;
        if (k < 0 || k >= banks.length) {
            throw new IllegalArgumentException("physical address 0x" + Long.toHexString(pa) + " is in no bank");
        }
        return banks[(int) k];
    }

    private MemorySegment range(long pa, long bytes) {
        MemorySegment b = bank(pa);
        long off = pa & OFFSET_MASK;
        Objects.checkFromIndexSize(off, bytes, b.byteSize());
        return b.asSlice(off, bytes);
    }
}

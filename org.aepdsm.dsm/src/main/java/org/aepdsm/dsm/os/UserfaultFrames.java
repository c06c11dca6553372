package org.aepdsm.dsm.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.dsm.coherence.FrameSource;
import org.aepdsm.dsm.coherence.LocalPages;
import org.aepdsm.dsm.coherence.PageFrames;

/**
 * Frames of the userfaultfd path: the region is anonymous memory registered for missing-page and
 * write-protect faults, so plain loads and stores on {@link #faultingSegment()} run the protocol.
 *
 * <pre>
 *   page state   mapping                        a plain access...
 *   INVALID      not present (MADV_DONTNEED)    faults MISSING -> read or write fault -> UFFDIO_COPY
 *   SHARED       present, write-protected       reads; a write faults WP -> write fault -> WP cleared
 *   EXCLUSIVE    present, writable              reads and writes
 *
 *   fault thread: poll(uffd) -> read uffd_msg -> resolver thread: protocol fault (page, write)
 *                 -> the install or upgrade wakes the waiter; UFFDIO_WAKE covers faults resolved meanwhile
 * </pre>
 *
 * The origin's pages are touched before registration, so it starts with every page present and writable.
 * A region's own getLong/putLong/addAndGet check the page state first and only touch present pages, so
 * they never wait in the kernel. A plain access that waits in a fault keeps its thread "in Java": a JVM
 * safepoint requested meanwhile (a collection, above all) waits for it, while the fault needs Java threads
 * that allocate to finish, so such a safepoint stalls the JVM for good. Plain accesses to pages that may be
 * missing are therefore safe only in a JVM whose collector does not stop the threads (the module's test of
 * this path runs with Epsilon) or when they are few and the heap has room; otherwise use the region's own
 * accessors. A plain access to a lost page waits until the region is closed.
 *
 * <p>Thread-safe for different pages; a page changes under its stripe lock in {@link LocalPages}. Owns the
 * mapping, the descriptor and the fault thread; {@link #close()} unregisters (waking waiters), closes
 * the segment's arena and unmaps.
 */
public final class UserfaultFrames implements PageFrames {
    private static final System.Logger LOG = System.getLogger(UserfaultFrames.class.getName());
    private static final int PAGE = LocalPages.PAGE_SIZE;

    private final String region;
    private final long size;
    private final Userfaultfd uffd;
    private final long base;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment segment;
    private final FrameSource.FaultSink faults;
    /**
     * Platform threads, pooled: a resolver runs the fault protocol, which reads its answers from call-link
     * sockets on its own thread, and a virtual thread would be woken for each through the JDK's pollers.
     */
    private final ExecutorService resolvers = Executors.newCachedThreadPool(Thread.ofPlatform().daemon()
            .name("dsm-uffd-resolve-", 0).factory());
    private final Thread poller;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** The userfaultfd path as a frame source. */
    public static FrameSource source() {
        return UserfaultFrames::new;
    }

    /** Null when userfaultfd with write-protect works here, else why not. */
    public static String unavailableReason() {
        try (Userfaultfd probe = Userfaultfd.open()) {
            return probe.writeProtect() ? null : "the kernel reports no write-protect faults for anonymous memory";
        } catch (AepException e) {
            return e.getMessage();
        }
    }

    private UserfaultFrames(String region, long size, boolean valid, FrameSource.FaultSink faults) {
        this.region = region;
        this.size = size;
        this.faults = faults;
        this.uffd = Userfaultfd.open();
        if (!uffd.writeProtect()) {
            uffd.close();
            throw new AepException(Errno.EOPNOTSUPP, "region '" + region + "': this kernel's userfaultfd has no "
                    + "write-protect faults for anonymous memory");
        }
        long address;
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment box = Linux.errnoBox(scratch);
            address = Linux.mmap(box, size);
            if (address == -1L) {
                uffd.close();
                throw new AepException(Errno.ENOMEM, "mmap of " + size + " bytes for region '" + region
                        + "' failed with " + Linux.errnoName(Linux.errno(box)));
            }
        }
        this.base = address;
        this.segment = MemorySegment.ofAddress(base).reinterpret(size, arena, s -> unmap());
        if (valid) {
            // present and writable before registration: the origin holds zero pages
            segment.fill((byte) 0);
        }
        try {
            uffd.register(base, size);
        } catch (AepException e) {
            arena.close();
            uffd.close();
            throw e;
        }
        poller = Thread.ofPlatform().daemon().name("dsm-uffd-" + region).start(this::poll);
    }

    private void unmap() {
        try (Arena scratch = Arena.ofConfined()) {
            Linux.munmap(Linux.errnoBox(scratch), base, size);
        }
    }

    private void poll() {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment box = Linux.errnoBox(scratch);
            MemorySegment pfd = scratch.allocate(8, 8);
            MemorySegment msgs = scratch.allocate(Userfaultfd.MSG_SIZE * 16L, 8);
            while (!closed.get()) {
                pfd.set(ValueLayout.JAVA_INT, 0, uffd.fd());
                pfd.set(ValueLayout.JAVA_SHORT, 4, Linux.POLLIN);
                pfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
                int ready = Linux.poll(box, pfd, 1, 100);
                if (ready <= 0 || closed.get()) {
                    continue;
                }
                long n = Linux.read(box, uffd.fd(), msgs, msgs.byteSize());
                if (n <= 0) {
                    continue;
                }
                for (long at = 0; at + Userfaultfd.MSG_SIZE <= n; at += Userfaultfd.MSG_SIZE) {
                    if (Byte.toUnsignedInt(msgs.get(ValueLayout.JAVA_BYTE, at)) != Userfaultfd.EVENT_PAGEFAULT) {
                        continue;
                    }
                    long flags = msgs.get(ValueLayout.JAVA_LONG, at + 8);
                    long address = msgs.get(ValueLayout.JAVA_LONG, at + 16);
                    long page = (address - base) / PAGE;
                    boolean write = (flags & (Userfaultfd.FLAG_WRITE | Userfaultfd.FLAG_WP)) != 0;
                    if (page >= 0 && page < size / PAGE) {
                        resolvers.execute(() -> resolve(page, write));
                    }
                }
            }
        }
    }

    private void resolve(long page, boolean write) {
        try {
            faults.fault(page, write);
            uffd.wake(base + page * PAGE, PAGE);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "fault on page " + page + " of region '" + region
                    + "' could not be resolved; the access waits: " + e.getMessage());
        }
    }

    @Override
    public MemorySegment segment() {
        return segment;
    }

    @Override
    public MemorySegment faultingSegment() {
        return segment;
    }

    @Override
    public byte[] copy(long page) {
        return segment.asSlice(page * PAGE, PAGE).toArray(ValueLayout.JAVA_BYTE);
    }

    @Override
    public void install(long page, byte[] data, int offset, boolean writable) {
        java.util.Objects.checkFromIndexSize(offset, PAGE, data.length);
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment src = scratch.allocate(PAGE, PAGE);
            MemorySegment.copy(data, offset, src, ValueLayout.JAVA_BYTE, 0, PAGE);
            uffd.copy(base + page * PAGE, src, !writable);
        }
    }

    @Override
    public void upgrade(long page) {
        uffd.writeProtect(base + page * PAGE, PAGE, false);
    }

    @Override
    public void downgrade(long page) {
        uffd.writeProtect(base + page * PAGE, PAGE, true);
    }

    @Override
    public void drop(long page) {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment box = Linux.errnoBox(scratch);
            if (Linux.madvise(box, base + page * PAGE, PAGE, Linux.MADV_DONTNEED) < 0) {
                throw new IllegalStateException("MADV_DONTNEED of page " + page + " of region '" + region
                        + "' failed with " + Linux.errnoName(Linux.errno(box)));
            }
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // waiters wake and finish their access on plain anonymous memory before the segment closes
        uffd.unregister(base, size);
        try {
            poller.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        resolvers.shutdown();
        try {
            resolvers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        arena.close();
        uffd.close();
    }
}

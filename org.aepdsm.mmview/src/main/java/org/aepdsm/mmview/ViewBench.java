package org.aepdsm.mmview;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.api.memory.ViewableSpace;

/**
 * {@code view:bench}: what views cost on a backend, next to what a fork-style copy of the same
 * address space costs in the same run.
 *
 * <ol>
 * <li>View creation as the mapped size grows: a space maps {@code size} bytes on demand and touches
 * every page up to the touch limit (and what the node-0 pool can hold twice, since the copy needs as
 * many frames again); CREATE is timed (median of {@value #CREATE_RUNS}, each view closed again), then
 * a fork-style copy: a new space, every present page allocated there and its 4 KiB copied.</li>
 * <li>MIGRATE: one thread switching between two views, per switch.</li>
 * <li>First store per page in an unshared range (a copy-on-write copy each), the second store, and
 * a first store in a shared range, per page.</li>
 * </ol>
 *
 * <p>Each part runs a small warm-up round first, untimed. Times are wall-clock (on sim: the simulator's
 * own speed, not its simulated clock). Thread-safety:
 * one run at a time per instance. Ownership: every space it makes is closed before it returns.
 */
public final class ViewBench {
    /** Mapped sizes measured by default: 1 MiB to 4 GiB. */
    public static final long[] DEFAULT_SIZES = {1L << 20, 16L << 20, 256L << 20, 1L << 30, 4L << 30};
    private static final int CREATE_RUNS = 5;
    private static final int MIGRATIONS = 1_000_000;
    private static final long PAGE = PageSize.FRAME_BYTES;
    private static final long POOL_RESERVE = 32L << 20;

    private final MemoryBackend backend;

    /** One row of the creation table. */
    public record Row(long mappedBytes, long presentPages, long createNanos, long copyNanos) {
        /** How many times faster CREATE is than the copy. */
        public double ratio() {
            return (double) copyNanos / Math.max(1, createNanos);
        }
    }

    /** @param backend the backend to measure; it must give {@link ViewableSpace}s */
    public ViewBench(MemoryBackend backend) {
        this.backend = backend;
    }

    /**
     * Runs everything and returns the report.
     *
     * @param sizes      mapped sizes, each a positive multiple of 4096
     * @param touchLimit the most bytes touched (made present) per size
     */
    public String run(long[] sizes, long touchLimit) {
        for (long s : sizes) {
            if (s <= 0 || s % PAGE != 0) {
                throw new AepException(Errno.EINVAL, "size " + s + " is not a positive multiple of 4096");
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("view:bench on backend ").append(backend.id()).append(" (").append(backend.info().description())
                .append(")\nwall-clock times; CREATE is the median of ").append(CREATE_RUNS)
                .append(" runs; copy = fork-style copy of every present page\n\n");
        out.append(String.format(Locale.ROOT, "%-9s %9s %14s %16s %12s%n", "mapped", "present", "CREATE view",
                "fork-style copy", "copy/create"));
        creation(PageSize.SIZE_2M.bytes(), PageSize.SIZE_2M.bytes());
        List<Row> rows = new ArrayList<>();
        for (long size : sizes) {
            Row r = creation(size, touchLimit);
            rows.add(r);
            out.append(String.format(Locale.ROOT, "%-9s %9d %14s %16s %11.0fx%n", bytes(size), r.presentPages(),
                    time(r.createNanos()), time(r.copyNanos()), r.ratio()));
        }
        long[] migrate = migrate();
        out.append(String.format(Locale.ROOT, "%nMIGRATE between two views: %s per switch (CURRENT: %s per call), "
                + "%d switches%n", time(migrate[0]), time(migrate[1]), MIGRATIONS));
        long pages = Math.min(4096, budgetPages(touchLimit) / 2);
        firstWrites(Math.max(1, pages / 8));
        long[] w = firstWrites(pages);
        out.append(String.format(Locale.ROOT, "stores per page over %d pages: first store in an unshared range %s "
                + "(copy-on-write), second store %s, first store in a shared range %s; fork-style copy %s per page%n",
                pages, time(w[0]), time(w[1]), time(w[2]), time(w[3])));
        return out.toString();
    }

    /** The creation-versus-copy row for one mapped size. */
    public Row creation(long size, long touchLimit) {
        ViewableSpace space = newSpace((size + PageSize.SIZE_2M.bytes() - 1) & -PageSize.SIZE_2M.bytes());
        try {
            space.mapOnDemand(space.base(), size, PageSize.SIZE_4K, Protection.READ_WRITE);
            long present = Math.min(size / PAGE, budgetPages(touchLimit));
            for (long i = 0; i < present; i++) {
                space.putLong(space.base() + i * PAGE, i);
            }
            long[] runs = new long[CREATE_RUNS];
            for (int i = 0; i < CREATE_RUNS; i++) {
                long t0 = System.nanoTime();
                ViewableSpace view = space.createView();
                runs[i] = System.nanoTime() - t0;
                view.close();
            }
            Arrays.sort(runs);
            long copy = forkCopy(space, size, present);
            return new Row(size, present, runs[CREATE_RUNS / 2], copy);
        } finally {
            space.close();
        }
    }

    /** Allocates and copies every present page of the first {@code present} pages into a new space. */
    private long forkCopy(ViewableSpace source, long size, long present) {
        byte[] page = new byte[(int) PAGE];
        long t0 = System.nanoTime();
        AddressSpace copy = backend.createAddressSpace(source.node(), source.limit() - source.base());
        try {
            copy.mapOnDemand(copy.base(), size, PageSize.SIZE_4K, Protection.READ_WRITE);
            for (long i = 0; i < present; i++) {
                source.read(source.base() + i * PAGE, page, 0, page.length);
                copy.write(copy.base() + i * PAGE, page, 0, page.length);
            }
            return System.nanoTime() - t0;
        } finally {
            copy.close();
        }
    }

    /** MIGRATE and CURRENT per call, in nanoseconds. */
    public long[] migrate() {
        ViewableSpace space = newSpace(PageSize.SIZE_2M.bytes());
        space.mapOnDemand(space.base(), PageSize.SIZE_2M.bytes(), PageSize.SIZE_4K, Protection.READ_WRITE);
        try (SpaceViews views = new SpaceViews(space, true)) {
            long one = views.create();
            for (int i = 0; i < MIGRATIONS / 10; i++) {
                views.migrate((i & 1) == 0 ? one : 0);
            }
            views.migrate(0);
            long t0 = System.nanoTime();
            for (int i = 0; i < MIGRATIONS; i++) {
                views.migrate((i & 1) == 0 ? one : 0);
            }
            long migrate = (System.nanoTime() - t0) / MIGRATIONS;
            long sum = 0;
            t0 = System.nanoTime();
            for (int i = 0; i < MIGRATIONS; i++) {
                sum += views.current();
            }
            long current = (System.nanoTime() - t0) / MIGRATIONS;
            return new long[] {migrate, current + (sum == Long.MIN_VALUE ? 1 : 0)};
        }
    }

    /**
     * Per page: first store in an unshared range of a view, second store, first store in a shared range,
     * and the fork-style copy of one page, in nanoseconds.
     */
    public long[] firstWrites(long pages) {
        long bytes = Math.max(PageSize.SIZE_2M.bytes(), (2 * pages * PAGE + PageSize.SIZE_2M.bytes() - 1)
                & -PageSize.SIZE_2M.bytes());
        ViewableSpace space = newSpace(bytes);
        space.mapOnDemand(space.base(), bytes, PageSize.SIZE_4K, Protection.READ_WRITE);
        try (SpaceViews views = new SpaceViews(space, true)) {
            long unshared = space.base();
            long shared = space.base() + pages * PAGE;
            for (long i = 0; i < 2 * pages; i++) {
                space.putLong(space.base() + i * PAGE, i);
            }
            views.unshare(unshared, pages * PAGE);
            AddressSpace view = views.space(views.create());
            long t0 = System.nanoTime();
            for (long i = 0; i < pages; i++) {
                view.putLong(unshared + i * PAGE, -i);
            }
            long first = (System.nanoTime() - t0) / pages;
            t0 = System.nanoTime();
            for (long i = 0; i < pages; i++) {
                view.putLong(unshared + i * PAGE + 8, i);
            }
            long second = (System.nanoTime() - t0) / pages;
            t0 = System.nanoTime();
            for (long i = 0; i < pages; i++) {
                view.putLong(shared + i * PAGE, -i);
            }
            long sharedFirst = (System.nanoTime() - t0) / pages;
            long copy = forkCopy(space, bytes, 2 * pages) / (2 * pages);
            return new long[] {first, second, sharedFirst, copy};
        }
    }

    private ViewableSpace newSpace(long size) {
        AddressSpace s = backend.createAddressSpace(0, size);
        if (!(s instanceof ViewableSpace v)) {
            s.close();
            throw new AepException(Errno.EOPNOTSUPP, "backend " + backend.id() + " has no address-space views");
        }
        return v;
    }

    /** Pages that may be touched: the limit, and what the pool holds twice over (source and copy). */
    private long budgetPages(long touchLimit) {
        long free = backend.framePool(0).freeFrames() * PAGE - POOL_RESERVE;
        return Math.max(1, Math.min(touchLimit, free / 2) / PAGE);
    }

    static String bytes(long b) {
        return b >= 1L << 30 ? (b >> 30) + " GiB" : b >= 1L << 20 ? (b >> 20) + " MiB" : (b >> 10) + " KiB";
    }

    static String time(long nanos) {
        if (nanos >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
        }
        if (nanos >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
        }
        if (nanos >= 1_000L) {
            return String.format(Locale.ROOT, "%.2f us", nanos / 1e3);
        }
        return nanos + " ns";
    }
}

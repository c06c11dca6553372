package org.aepdsm.morsel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.FramePool;
import org.aepdsm.api.memory.FrameRun;
import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.api.memory.SubtreeExport;
import org.aepdsm.api.memory.SubtreeSet;
import org.aepdsm.api.memory.SubtreeSupport;

/**
 * The cross-process side of the morsel evaluation: how much it costs a process to get another
 * process's object into one of its address spaces, three ways.
 *
 * <pre>
 *   exporter                         importer (this object, on its own backend)
 *   build + touch + export  --handle-->  attach   open /proc/&lt;pid&gt;/fd/&lt;n&gt;, view of the pool file
 *                                        map      one mmap of the exported range per run (the morsel)
 *                                        copy     allocate frames here (MAP_POPULATE), copy the bytes
 *                                        populate one mmap MAP_POPULATE: every page entry filled now
 *   times: median of the repetitions, the copy once; it reads the attached mapping in 1 MiB pieces
 * </pre>
 *
 * <p>On the backend of a runtime the importer can be the exporting process itself: the handle then
 * goes through {@code /proc/self}'s descriptor, which is the same open and mmap another process makes.
 * A plain object: benchmarks are not tests, figures are reported, not asserted. Not thread-safe.
 */
public final class CrossProcessEvaluation {
    private static final long GIB = 1L << 30;
    private static final int PIECE = 1 << 20;

    /**
     * One exported object's figures, all medians.
     *
     * @param size       object bytes
     * @param skipped    why it was not measured, or null
     * @param runs       runs of the export (mmaps per map)
     * @param attachNs   attach and detach: open the file, make the pool view
     * @param mapNs      one map by mmap of the exported range
     * @param copyNs     allocate frames here and map them, copy the bytes (once); -1 if the frames could not be had
     * @param populateNs one map with MAP_POPULATE
     * @param copySkipped why the copy was not measured, or null
     */
    public record Row(long size, String skipped, long runs, long attachNs, long mapNs, long copyNs, long populateNs,
            String copySkipped) {
        static Row skipped(long size, String why) {
            return new Row(size, why, 0, 0, 0, -1, 0, null);
        }

        /** Percentage of time a map saves against allocating and copying. */
        public double copyReduction() {
            return copyNs <= 0 ? 0 : 100.0 * (1.0 - (double) mapNs / copyNs);
        }

        /** Percentage of time a map saves against MAP_POPULATE page by page. */
        public double populateReduction() {
            return populateNs <= 0 ? 0 : 100.0 * (1.0 - (double) mapNs / populateNs);
        }
    }

    private final MemoryBackend importer;
    private final int node;

    /** An evaluation that attaches into spaces of {@code importer}, node {@code node}. */
    public CrossProcessEvaluation(MemoryBackend importer, int node) {
        this.importer = importer;
        this.node = node;
    }

    /** 2 MiB, 64 MiB, 1 GiB and the paper's 6.82 GiB object, as far as {@code largest}. */
    public static List<Long> defaultSizes(long largest) {
        List<Long> out = new ArrayList<>();
        for (long s : new long[] {2L << 20, 64L << 20, GIB, MorselEvaluation.HEADLINE_BYTES}) {
            if (s <= largest) {
                out.add(s);
            }
        }
        return out;
    }

    /** Repetitions by size (the copy is measured once: it dwarfs the rest). */
    static int repetitions(long size) {
        return size <= 64L << 20 ? 7 : 3;
    }

    /**
     * The exporting side and the importing side in this process: for each size, builds an object, touches
     * it, exports it, measures its import here, and frees it. Sizes that do not fit are skipped.
     */
    public List<Row> runHere(List<Long> sizes) {
        SubtreeSupport support = support();
        List<Row> rows = new ArrayList<>();
        for (long size : sizes) {
            SubtreeSet set;
            try {
                set = support.build(node, size, Protection.READ_WRITE);
            } catch (AepException e) {
                if (e.errno() == Errno.ENOMEM) {
                    rows.add(Row.skipped(size, e.getMessage()));
                    continue;
                }
                throw e;
            }
            try {
                touch(importer.framePool(set.node()), set);
                SubtreeExport export = set.export();
                try {
                    rows.add(measure(export, repetitions(size)));
                } finally {
                    set.unexport();
                }
            } finally {
                set.close();
            }
        }
        return rows;
    }

    /** Brings every page of a set's frames into memory once, as a loaded model would be. */
    public static void touch(FramePool pool, SubtreeSet set) {
        for (FrameRun r : set.frameRuns()) {
            MemorySegment s = pool.frames(r.first(), r.count());
            for (long o = 0; o < s.byteSize(); o += 4096) {
                s.set(ValueLayout.JAVA_BYTE, o, (byte) (o >>> 12));
            }
        }
    }

    /** Measures the three ways of importing {@code export} into this process's spaces. */
    public Row measure(SubtreeExport export, int reps) {
        SubtreeSupport support = support();
        long size = export.size();
        long spaceBytes = (size + GIB - 1) / GIB * GIB + GIB;
        AddressSpace a = importer.createAddressSpace(node, spaceBytes);
        AddressSpace b = importer.createAddressSpace(node, spaceBytes);
        try {
            long[] attach = new long[reps];
            long[] map = new long[reps];
            long[] copy = new long[reps];
            long[] populate = new long[reps];
            String copySkipped = null;
            warmUp(support, export, a);
            for (int r = 0; r < reps; r++) {
                long t0 = System.nanoTime();
                SubtreeSet set = support.attach(export, Protection.READ_WRITE);
                set.close();
                attach[r] = System.nanoTime() - t0;
                set = support.attach(export, Protection.READ_WRITE);
                try {
                    long atA = alignUp(a.base(), set.alignment());
                    t0 = System.nanoTime();
                    set.link(a, atA, Protection.READ_WRITE);
                    map[r] = System.nanoTime() - t0;
                    set.unlink(a);
                    t0 = System.nanoTime();
                    set.populate(a, atA, Protection.READ_WRITE);
                    populate[r] = System.nanoTime() - t0;
                    if (copySkipped == null && r == 0) {
                        try {
                            copy[r] = copy(support, a, atA, b, size);
                        } catch (AepException e) {
                            if (e.errno() != Errno.ENOMEM) {
                                throw e;
                            }
                            copySkipped = e.getMessage();
                        }
                    }
                    set.unlink(a);
                } finally {
                    if (set.linkAddress(a) >= 0) {
                        set.unlink(a);
                    }
                    set.close();
                }
            }
            return new Row(size, null, export.runs().size(), median(attach), median(map),
                    copySkipped == null ? copy[0] : -1, median(populate), copySkipped);
        } finally {
            a.close();
            b.close();
        }
    }

    /**
     * Attaches once and links {@link MorselEvaluation#WARM_UP_LINKS} times, so that compiled code is
     * measured (as in the main evaluation).
     */
    private static void warmUp(SubtreeSupport support, SubtreeExport export, AddressSpace a) {
        SubtreeSet set = support.attach(export, Protection.READ_WRITE);
        try {
            long at = alignUp(a.base(), set.alignment());
            for (int i = 0; i < MorselEvaluation.WARM_UP_LINKS; i++) {
                set.link(a, at, Protection.READ_WRITE);
                set.unlink(a);
            }
        } finally {
            set.close();
        }
    }

    /** Allocates the object's frames here, maps them in {@code b}, copies the bytes from {@code a}; times it. */
    private long copy(SubtreeSupport support, AddressSpace a, long from, AddressSpace b, long size) {
        byte[] piece = new byte[PIECE];
        long t0 = System.nanoTime();
        SubtreeSet local = support.build(node, size, Protection.READ_WRITE);
        try {
            long to = alignUp(b.base(), local.alignment());
            // the frames are allocated by the kernel in one batch, as a copying receiver would preallocate
            local.populate(b, to, Protection.READ_WRITE);
            for (long o = 0; o < size; o += PIECE) {
                a.read(from + o, piece, 0, PIECE);
                b.write(to + o, piece, 0, PIECE);
            }
            long nanos = System.nanoTime() - t0;
            local.unlink(b);
            return nanos;
        } finally {
            if (local.linkAddress(b) >= 0) {
                local.unlink(b);
            }
            local.close();
        }
    }

    /** The table of rows; {@code where} says which processes exported and imported. */
    public static String table(String backendId, String where, List<Row> rows) {
        StringBuilder b = new StringBuilder();
        b.append("cross-process morsel mapping on backend ").append(backendId).append(" (").append(where).append(")\n");
        b.append(String.format(Locale.ROOT, "%-10s %4s | %11s %11s | %12s %12s | %12s %14s%n", "size", "runs",
                "attach", "map", "copy", "populate", "map vs copy", "map vs populate"));
        for (Row r : rows) {
            if (r.skipped() != null) {
                b.append(String.format(Locale.ROOT, "%-10s skipped: %s%n", ByteSize.format(r.size()), r.skipped()));
                continue;
            }
            b.append(String.format(Locale.ROOT, "%-10s %4d | %11s %11s | %12s %12s | %11s %14s%n",
                    ByteSize.format(r.size()), r.runs(), EvalReport.time(r.attachNs()), EvalReport.time(r.mapNs()),
                    r.copyNs() < 0 ? "-" : EvalReport.time(r.copyNs()), EvalReport.time(r.populateNs()),
                    r.copyNs() < 0 ? "-" : String.format(Locale.ROOT, "%.2f%%", r.copyReduction()),
                    String.format(Locale.ROOT, "%.2f%%", r.populateReduction())));
        }
        for (Row r : rows) {
            if (r.copySkipped() != null) {
                b.append("copy of ").append(ByteSize.format(r.size())).append(" not measured: ").append(r.copySkipped())
                        .append('\n');
            }
        }
        b.append("attach = open the exporter's /proc/<pid>/fd/<n> and view its pool file (then detach); map = one mmap"
                + " of the exported range per run (a morsel); copy = allocate and map frames here (MAP_POPULATE),"
                + " copy the bytes in 1 MiB pieces (measured once); populate = one mmap with MAP_POPULATE (page by page); vs = time a map saves\n");
        return b.toString();
    }

    private SubtreeSupport support() {
        return importer.subtrees().orElseThrow(() -> new AepException(Errno.EOPNOTSUPP,
                "backend " + importer.id() + " cannot build page-table subtrees"));
    }

    private static long alignUp(long v, long alignment) {
        return (v + alignment - 1) & -alignment;
    }

    private static long median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}

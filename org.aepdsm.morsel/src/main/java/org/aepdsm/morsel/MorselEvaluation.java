package org.aepdsm.morsel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.Capability;
import org.aepdsm.api.memory.FramePool;
import org.aepdsm.api.memory.FrameRun;
import org.aepdsm.api.memory.LinkCost;
import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.api.memory.SubtreeSet;
import org.aepdsm.api.memory.SubtreeSupport;

/**
 * The morsel evaluation: for each object size, the work of mapping the object into an address
 * space and of transferring it to a second one, once by linking its subtrees (morsel) and once page
 * by page (one leaf entry per 4 KiB page in the destination's own tables; on the native backend
 * {@code mmap} with {@code MAP_POPULATE}), plus the EPT entries a secondary view builds lazily for
 * an access pattern against the entries an eager EPT copy would need.
 *
 * <pre>
 *   per size:  build subtrees once (frames not touched on sim; touched once on native, as a loaded model)
 *              morsel:  link A  | link B + unlink A (transfer) | unlink B
 *              pages:   populate A | populate B + unlink A (transfer) | unlink B
 *              EPT:     sequential pages of the first 8 MiB + 1024 random pages (seed 42), looked up lazily
 *   times:     median of the repetitions (more for small sizes); entries and tables are exact counts
 * </pre>
 *
 * <p>A plain object: benchmarks are not tests, and figures are reported, not asserted. Not
 * thread-safe; use one per run. It creates and closes its own address spaces and objects.
 */
public final class MorselEvaluation {
    /** The paper's headline object: a 6.82 GiB machine-learning model, rounded up to 2 MiB. */
    public static final long HEADLINE_BYTES = ByteSize.roundUpTo2M(ByteSize.parse("6.82G"));
    /** Link and unlink cycles before measuring, enough for the JIT to compile the link path. */
    static final int WARM_UP_LINKS = 200;
    /** Seed of the random part of the access pattern. */
    public static final long SEED = 42;
    private static final long GIB = 1L << 30;

    /**
     * One size's figures.
     *
     * @param size                 object bytes
     * @param skipped              why the size was not measured, or null
     * @param sparse               whether the frames were sparse (sim objects larger than a node)
     * @param subtrees             subtrees linked per mapping (1 GiB plus 2 MiB ones)
     * @param buildEntries         entries written once to build the morsel's own tables
     * @param morselTables         page-table pages the morsel owns
     * @param morselMapEntries     entries written by one morsel map
     * @param morselMapTables      tables the destination allocated for it
     * @param morselMapNs          median time of one morsel map
     * @param morselTransferEntries entries written by one morsel transfer
     * @param morselTransferNs     median time of one morsel transfer
     * @param pageMapEntries       entries written by one page-by-page map
     * @param pageMapTables        tables the destination allocated for it
     * @param pageMapNs            median time of one page-by-page map
     * @param pageTransferEntries  entries written by one page-by-page transfer (unmap + map)
     * @param pageTransferNs       median time of one page-by-page transfer
     * @param systemCallsMorsel    system calls of one morsel map (native)
     * @param eptLazy              EPT entries built lazily for the access pattern
     * @param eptEager             EPT entries an eager copy of the whole object would build
     * @param eptTables            EPT tables the lazy view allocated
     */
    public record Row(long size, String skipped, boolean sparse, long subtrees, long buildEntries, long morselTables,
            long morselMapEntries, long morselMapTables, long morselMapNs, long morselTransferEntries,
            long morselTransferNs, long pageMapEntries, long pageMapTables, long pageMapNs, long pageTransferEntries,
            long pageTransferNs, long systemCallsMorsel, long eptLazy, long eptEager, long eptTables) {
        static Row skipped(long size, String why) {
            return new Row(size, why, false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }

        /** Page-table pages used by the morsel mapping: its own tables plus the destination's new ones. */
        public long morselTablePages() {
            return morselTables + morselMapTables;
        }

        /** Percentage of mapping entries saved against page-by-page mapping. */
        public double entryReduction() {
            return reduction(morselMapEntries, pageMapEntries);
        }

        /** Percentage of mapping time saved against page-by-page mapping. */
        public double timeReduction() {
            return reduction(morselMapNs, pageMapNs);
        }

        /** Percentage of transfer time saved. */
        public double transferTimeReduction() {
            return reduction(morselTransferNs, pageTransferNs);
        }

        /** Percentage of transfer entries saved. */
        public double transferEntryReduction() {
            return reduction(morselTransferEntries, pageTransferEntries);
        }

        private static double reduction(long morsel, long pages) {
            return pages == 0 ? 0 : 100.0 * (1.0 - (double) morsel / pages);
        }
    }

    private final MemoryBackend backend;
    private final int node;
    private final Consumer<String> progress;

    /**
     * @param backend  the backend to measure (it must offer {@link MemoryBackend#subtrees()})
     * @param node     the node whose memory holds the objects
     * @param progress receives one line per size as it is done
     */
    public MorselEvaluation(MemoryBackend backend, int node, Consumer<String> progress) {
        this.backend = backend;
        this.node = node;
        this.progress = progress;
    }

    /** 2 MiB, 4 MiB, ... up to {@code largest} by doubling, with the headline size inserted in order. */
    public static List<Long> defaultSizes(long largest) {
        List<Long> out = new ArrayList<>();
        for (long s = 2L << 20; s <= largest; s <<= 1) {
            out.add(s);
        }
        if (HEADLINE_BYTES <= largest) {
            out.add(HEADLINE_BYTES);
        }
        out.sort(Long::compare);
        return out;
    }

    /** Measures every size, in order; sizes the backend cannot hold are reported as skipped. */
    public List<Row> run(List<Long> sizes) {
        SubtreeSupport support = backend.subtrees().orElseThrow(() -> new AepException(Errno.EOPNOTSUPP,
                "backend " + backend.id() + " cannot build page-table subtrees"));
        warmUp(support);
        List<Row> rows = new ArrayList<>();
        for (long size : sizes) {
            Row r = measure(support, size, repetitions(size));
            rows.add(r);
            progress.accept(r.skipped() != null ? ByteSize.format(size) + ": skipped (" + r.skipped() + ")"
                    : ByteSize.format(size) + ": done");
        }
        return rows;
    }

    private void warmUp(SubtreeSupport support) {
        for (long s = 2L << 20; s <= 32L << 20; s <<= 1) {
            measure(support, s, 3);
        }
        warmUpLinks(backend, support, node, GIB);
    }

    /**
     * Links and unlinks an object of {@code size} (or less, as the node allows) {@link #WARM_UP_LINKS} times, so that
     * the compiled code of a large link is measured, not the interpreter's (a steady state, as in the
     * paper). Nothing is touched, so it costs no page-table work.
     */
    static void warmUpLinks(MemoryBackend backend, SubtreeSupport support, int node, long size) {
        SubtreeSet set = null;
        for (long s = size; set == null && s >= 2L << 20; s >>= 1) {
            try {
                set = support.build(node, s, Protection.READ_WRITE);
            } catch (AepException e) {
                if (e.errno() != Errno.ENOMEM) {
                    throw e;
                }
            }
        }
        if (set == null) {
            return;
        }
        try (AddressSpace space = backend.createAddressSpace(node, set.size() + set.alignment() + GIB)) {
            long at = alignUp(space.base(), set.alignment());
            for (int i = 0; i < WARM_UP_LINKS; i++) {
                set.link(space, at, Protection.READ_WRITE);
                set.unlink(space);
            }
        } finally {
            set.close();
        }
    }

    private static int repetitions(long size) {
        return size <= 64L << 20 ? 7 : 3;
    }

    private Row measure(SubtreeSupport support, long size, int reps) {
        SubtreeSet set;
        try {
            set = support.build(node, size, Protection.READ_WRITE);
        } catch (AepException e) {
            if (e.errno() == Errno.ENOMEM) {
                return Row.skipped(size, e.getMessage());
            }
            throw e;
        }
        long spaceBytes = (size + set.alignment() + GIB - 1) / GIB * GIB + GIB;
        AddressSpace a = null;
        AddressSpace b = null;
        try {
            a = backend.createAddressSpace(node, spaceBytes);
            b = backend.createAddressSpace(node, spaceBytes);
            if (!backend.info().has(Capability.PAGE_TABLES)) {
                touch(set);
            }
            long atA = alignUp(a.base(), set.alignment());
            long atB = alignUp(b.base(), set.alignment());
            long[] morselMap = new long[reps];
            long[] morselMove = new long[reps];
            long[] pageMap = new long[reps];
            long[] pageMove = new long[reps];
            LinkCost mMap = null;
            LinkCost mMove = null;
            LinkCost pMap = null;
            LinkCost pMove = null;
            for (int r = 0; r < reps; r++) {
                long t0 = System.nanoTime();
                mMap = set.link(a, atA, Protection.READ_WRITE);
                long t1 = System.nanoTime();
                mMove = set.link(b, atB, Protection.READ_WRITE).plus(set.unlink(a));
                long t2 = System.nanoTime();
                set.unlink(b);
                morselMap[r] = t1 - t0;
                morselMove[r] = t2 - t1;
                t0 = System.nanoTime();
                pMap = set.populate(a, atA, Protection.READ_WRITE);
                t1 = System.nanoTime();
                pMove = set.populate(b, atB, Protection.READ_WRITE).plus(set.unlink(a));
                t2 = System.nanoTime();
                set.unlink(b);
                pageMap[r] = t1 - t0;
                pageMove[r] = t2 - t1;
            }
            EptView view = new EptView(set);
            for (long o : accessPattern(size)) {
                view.entry(o);
            }
            return new Row(size, null, set.sparseFrames(), set.gigabyteSubtrees() + set.megabyteSubtrees(),
                    set.entriesBuilt(), set.tablePages(), mMap.entriesWritten(), mMap.tablesAllocated(),
                    median(morselMap), mMove.entriesWritten(), median(morselMove), pMap.entriesWritten(),
                    pMap.tablesAllocated(), median(pageMap), pMove.entriesWritten(), median(pageMove),
                    mMap.systemCalls(), view.entriesBuilt(), size / 4096, view.tablePages());
        } finally {
            for (long id : set.linkedIn()) {
                for (AddressSpace s : new AddressSpace[] {a, b}) {
                    if (s != null && s.id() == id) {
                        set.unlink(s);
                    }
                }
            }
            if (a != null) {
                a.close();
            }
            if (b != null) {
                b.close();
            }
            set.close();
        }
    }

    /** Offsets of the pages the EPT view is asked for: the first 8 MiB in order, then 1024 random pages. */
    static long[] accessPattern(long size) {
        long pages = size / 4096;
        int sequential = (int) Math.min(pages, 2048);
        long[] out = new long[sequential + 1024];
        for (int i = 0; i < sequential; i++) {
            out[i] = (long) i * 4096;
        }
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < 1024; i++) {
            out[sequential + i] = random.nextLong(pages) * 4096;
        }
        return out;
    }

    /** Brings every page of the object into memory once, as a loaded model would be (native). */
    private void touch(SubtreeSet set) {
        FramePool pool = backend.framePool(set.node());
        for (FrameRun r : set.frameRuns()) {
            MemorySegment s = pool.frames(r.first(), r.count());
            for (long o = 0; o < s.byteSize(); o += 4096) {
                s.set(ValueLayout.JAVA_BYTE, o, (byte) 1);
            }
        }
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

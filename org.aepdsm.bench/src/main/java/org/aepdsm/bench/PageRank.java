package org.aepdsm.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;

import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.bench.internal.PoolBytes;

/**
 * pagerank: PageRank over a growing working set. Stage s has {@code initial * 2^s} vertices, each a fresh
 * allocator object that is kept until the end, so every stage adds to the live set. Vertices are split in
 * contiguous ranges over the workers; worker w (client w+1) pushes rank shares for other workers' vertices in
 * message objects of 64 values, one per chunk of the destination's range, SENDs them chunk by chunk between
 * barriers, and the owner RECVs them from any sender, validates and FREEs them (the cross-client free path).
 *
 * <pre>
 *  vertex (48 + 4E bytes)                       message (568 bytes)
 *  +16 u64 id                                   +16 u64 stage     +24 u64 iteration
 *  +24 u32 out_degree  +28 u32 0                +32 u32 src       +36 u32 dst
 *  +32 f64 rank        +40 f64 next_rank        +40 u64 offset    +48 u64 value_count
 *  +48 u32 edges[E]                             +56 f64 values[64]
 * </pre>
 * Offsets are the original's (bytes 0..15 were its reserved allocator words). Byte counters are exact here (the
 * original's are racy and under-count with several workers).
 *
 * <p>Single-use; not thread-safe (its workers are its own).
 */
public final class PageRank extends SeedRun {
    static final String USAGE = "Usage: pagerank [workers [initial_vertices [stages [iterations "
            + "[edges_per_vertex]]]]] [--entry=0xaddr] [--skip-init]";
    static final int MAX_WORKERS = 16;
    static final int MSG_VALUES = 64;
    static final long MESSAGE_BYTES = 568;
    static final long VERTEX_HEADER_BYTES = 48;
    private static final double DAMPING = 0.85;
    private static final long V_ID = 16;
    private static final long V_DEGREE = 24;
    private static final long V_RESERVED = 28;
    private static final long V_RANK = 32;
    private static final long V_NEXT = 40;
    private static final long V_EDGES = 48;
    private static final long M_STAGE = 16;
    private static final long M_ITER = 24;
    private static final long M_SRC = 32;
    private static final long M_DST = 36;
    private static final long M_OFFSET = 40;
    private static final long M_COUNT = 48;
    private static final long M_VALUES = 56;

    int workers = 4;
    long initialVertices = 4096;
    int stages = 4;
    int iterations = 5;
    int edgesPerVertex = 8;

    private PageRank(List<String> args) {
        super("pagerank", args);
    }

    /**
     * Parses the original's command line.
     *
     * @throws org.aepdsm.api.AepException EINVAL with the original's message
     */
    public static PageRank parse(List<String> args) {
        PageRank p = new PageRank(args);
        CArgs.read(args, USAGE, p.options::accept, (position, v) -> {
            switch (position) {
                case 0 -> p.workers = CArgs.toInt(v);
                case 1 -> p.initialVertices = v;
                case 2 -> p.stages = CArgs.toInt(v);
                case 3 -> p.iterations = CArgs.toInt(v);
                case 4 -> p.edgesPerVertex = CArgs.toInt(v);
                default -> throw CArgs.refuse(USAGE);
            }
        });
        if (p.workers <= 0 || p.workers > MAX_WORKERS) {
            throw CArgs.refuse("workers must be in [1, " + MAX_WORKERS + "]");
        }
        if (Long.compareUnsigned(p.initialVertices, p.workers) < 0 || p.stages <= 0 || p.iterations <= 0
                || p.edgesPerVertex <= 0) {
            throw CArgs.refuse("initial_vertices, stages, iterations, and edges_per_vertex must be positive");
        }
        if (VERTEX_HEADER_BYTES + (long) p.edgesPerVertex * 4 > 960) {
            throw CArgs.refuse("edges_per_vertex is too large for the allocator small-object bins");
        }
        long last = p.initialVertices << Math.min(p.stages - 1, 63);
        if (p.stages > 31 || Long.compareUnsigned(p.initialVertices, 1L << 31) >= 0 || last > (1L << 31)
                || last / p.workers > Integer.MAX_VALUE - MSG_VALUES) {
            throw CArgs.refuse("initial_vertices " + Long.toUnsignedString(p.initialVertices) + " x 2^"
                    + (p.stages - 1) + " stages exceeds 2^31 vertices, the most this port's vertex tables hold");
        }
        return p;
    }

    /** SplitMix64's finalizer, as the original's {@code mix64}. */
    public static long mix64(long x) {
        x += 0x9e3779b97f4a7c15L;
        x = (x ^ (x >>> 30)) * 0xbf58476d1ce4e5b9L;
        x = (x ^ (x >>> 27)) * 0x94d049bb133111ebL;
        return x ^ (x >>> 31);
    }

    @Override
    public List<String> peerArgs() {
        return List.of(Integer.toString(workers), Long.toString(initialVertices), Integer.toString(stages),
                Integer.toString(iterations), Integer.toString(edgesPerVertex));
    }

    @Override
    public void beforeInit(PrintStream out) {
        out.println(String.format(Locale.ROOT,
                "workers = %d, initial_vertices = %s, stages = %d, iterations = %d, edges_per_vertex = %d", workers,
                Long.toUnsignedString(initialVertices), stages, iterations, edgesPerVertex));
    }

    /** One stage's partition of vertices over workers. */
    private record Partition(long vertices, int workers, long[] start, int[] count, int[] chunks) {
        static Partition of(long vertices, int workers) {
            long base = vertices / workers;
            long rem = vertices % workers;
            long[] start = new long[workers];
            int[] count = new int[workers];
            int[] chunks = new int[workers];
            long next = 0;
            for (int w = 0; w < workers; w++) {
                count[w] = (int) (base + (w < rem ? 1 : 0));
                start[w] = next;
                chunks[w] = (count[w] + MSG_VALUES - 1) / MSG_VALUES;
                next += count[w];
            }
            return new Partition(vertices, workers, start, count, chunks);
        }

        int ownerOf(long vertex) {
            long base = vertices / workers;
            long rem = vertices % workers;
            long split = (base + 1) * rem;
            if (vertex < split) {
                return (int) (vertex / (base + 1));
            }
            return (int) (rem + (vertex - split) / base);
        }

        int maxChunks() {
            int m = 0;
            for (int c : chunks) {
                m = Math.max(m, c);
            }
            return m;
        }
    }

    @Override
    public Measurement run(ShadowEntry entry, PrintStream out, Progress progress) {
        EntryCalls calls = new EntryCalls(entry);
        PoolBytes bytes = new PoolBytes(entry.memory());
        AtomicLong aepBytes = new AtomicLong();
        List<long[][]> allStages = new ArrayList<>();
        List<Figure> stageFigures = new ArrayList<>();
        double totalEdgeWork = 0;
        double totalSeconds = 0;
        long vertices = initialVertices;
        for (int s = 0; s < stages; s++) {
            long aepBefore = aepBytes.get();
            Partition part = Partition.of(vertices, workers);
            long[][] vertex = allocateStage(calls, bytes, part, aepBytes);
            allStages.add(vertex);
            AtomicLong msgBytes = new AtomicLong();
            double seconds = runStage(calls, bytes, part, vertex, s, msgBytes, aepBytes, progress);
            double traversed = (double) vertices * edgesPerVertex * iterations;
            double checksum = 0;
            for (int w = 0; w < workers; w++) {
                for (int i = 0; i < part.count[w]; i++) {
                    checksum += bytes.getDouble(vertex[w][i], V_RANK);
                }
            }
            out.println("[stage " + s + "]");
            out.println("  vertices = " + vertices);
            out.println("  edges = " + vertices * edgesPerVertex);
            out.println("  iterations = " + iterations);
            out.println("  stage AEP allocation = " + (aepBytes.get() - aepBefore) + " bytes");
            out.println("  cumulative AEP allocation = " + aepBytes.get() + " bytes");
            out.println("  message allocation = " + msgBytes.get() + " bytes");
            out.println(String.format(Locale.ROOT, "  time = %.6f s", seconds));
            out.println(String.format(Locale.ROOT, "  throughput = %.6f Medges/sec", traversed / 1000000.0 / seconds));
            out.println(String.format(Locale.ROOT, "  rank checksum = %.12f", checksum));
            out.flush();
            if (Math.abs(checksum - 1.0) > 1e-6) {
                throw EntryCalls.selfCheck(String.format(Locale.ROOT,
                        "pagerank rank checksum %.12f at stage %d, expected 1.000000000000", checksum, s));
            }
            stageFigures.add(Figure.higher("stage " + s + " throughput", traversed / 1000000.0 / seconds,
                    "Medges/sec"));
            totalEdgeWork += traversed;
            totalSeconds += seconds;
            vertices *= 2;
        }
        for (long[][] vertex : allStages) {
            for (int w = 0; w < workers; w++) {
                for (long h : vertex[w]) {
                    calls.free(w + 1, h);
                }
            }
        }
        List<Figure> figures = new ArrayList<>();
        figures.add(Figure.higher("throughput", totalEdgeWork / 1000000.0 / totalSeconds, "Medges/sec"));
        figures.addAll(stageFigures);
        return new Measurement(figures);
    }

    private long[][] allocateStage(EntryCalls calls, PoolBytes bytes, Partition part, AtomicLong aepBytes) {
        long size = VERTEX_HEADER_BYTES + 4L * edgesPerVertex;
        double initialRank = 1.0 / part.vertices;
        long[][] vertex = new long[workers][];
        for (int w = 0; w < workers; w++) {
            vertex[w] = new long[part.count[w]];
            for (int i = 0; i < part.count[w]; i++) {
                long id = part.start[w] + i;
                long v = calls.malloc(w + 1, size, 0);
                aepBytes.addAndGet(size);
                bytes.setLong(v, V_ID, id);
                bytes.setInt(v, V_DEGREE, edgesPerVertex);
                bytes.setInt(v, V_RESERVED, 0);
                bytes.setDouble(v, V_RANK, initialRank);
                bytes.setDouble(v, V_NEXT, 0.0);
                for (int e = 0; e < edgesPerVertex; e++) {
                    bytes.setInt(v, V_EDGES + 4L * e,
                            (int) Long.remainderUnsigned(mix64(id * 1315423911L + e), part.vertices));
                }
                vertex[w][i] = v;
            }
        }
        return vertex;
    }

    private double runStage(EntryCalls calls, PoolBytes bytes, Partition part, long[][] vertex, int stage,
            AtomicLong msgBytes, AtomicLong aepBytes, Progress progress) {
        CyclicBarrier barrier = new CyclicBarrier(workers);
        long[] span = new long[2];
        int maxChunks = part.maxChunks();
        int[] itersDone = new int[1];
        try (Progress.Phase p = progress.phase("pagerank stage " + stage, iterations, "iterations",
                () -> itersDone[0])) {
            Workers.run("pagerank", workers, barrier, id -> {
                int client = id + 1;
                int local = part.count[id];
                double[] self = new double[local];
                long[][] outMsgs = new long[workers][];
                Workers.await(barrier);
                if (id == 0) {
                    span[0] = System.nanoTime();
                }
                for (int iter = 0; iter < iterations; iter++) {
                    double baseRank = (1.0 - DAMPING) / part.vertices;
                    java.util.Arrays.fill(self, 0.0);
                    for (int i = 0; i < local; i++) {
                        bytes.setDouble(vertex[id][i], V_NEXT, baseRank);
                    }
                    for (int dst = 0; dst < workers; dst++) {
                        if (dst == id) {
                            continue;
                        }
                        outMsgs[dst] = new long[part.chunks[dst]];
                        for (int c = 0; c < part.chunks[dst]; c++) {
                            long off = (long) c * MSG_VALUES;
                            long count = Math.min(part.count[dst] - off, MSG_VALUES);
                            long m = calls.malloc(client, MESSAGE_BYTES, 0);
                            aepBytes.addAndGet(MESSAGE_BYTES);
                            msgBytes.addAndGet(MESSAGE_BYTES);
                            bytes.setLong(m, M_STAGE, stage);
                            bytes.setLong(m, M_ITER, iter);
                            bytes.setInt(m, M_SRC, id);
                            bytes.setInt(m, M_DST, dst);
                            bytes.setLong(m, M_OFFSET, off);
                            bytes.setLong(m, M_COUNT, count);
                            bytes.zero(m, M_VALUES, 8L * MSG_VALUES);
                            outMsgs[dst][c] = m;
                        }
                    }
                    for (int i = 0; i < local; i++) {
                        long v = vertex[id][i];
                        int degree = bytes.getInt(v, V_DEGREE);
                        double share = bytes.getDouble(v, V_RANK) / degree;
                        for (int e = 0; e < degree; e++) {
                            long dstVertex = Integer.toUnsignedLong(bytes.getInt(v, V_EDGES + 4L * e));
                            int owner = part.ownerOf(dstVertex);
                            long off = dstVertex - part.start[owner];
                            if (owner == id) {
                                self[(int) off] += share;
                            } else {
                                long m = outMsgs[owner][(int) (off / MSG_VALUES)];
                                long at = M_VALUES + 8 * (off % MSG_VALUES);
                                bytes.setDouble(m, at, bytes.getDouble(m, at) + share);
                            }
                        }
                    }
                    for (int i = 0; i < local; i++) {
                        long v = vertex[id][i];
                        bytes.setDouble(v, V_NEXT, bytes.getDouble(v, V_NEXT) + DAMPING * self[i]);
                    }
                    for (int chunk = 0; chunk < maxChunks; chunk++) {
                        for (int dst = 0; dst < workers; dst++) {
                            if (dst != id && chunk < part.chunks[dst]) {
                                calls.send(client, dst + 1, outMsgs[dst][chunk],
                                        "pagerank send failed: " + client + " -> " + (dst + 1));
                            }
                        }
                        Workers.await(barrier);
                        if (chunk < part.chunks[id]) {
                            receiveChunk(calls, bytes, vertex[id], stage, iter, id, chunk);
                        }
                        Workers.await(barrier);
                    }
                    for (int i = 0; i < local; i++) {
                        long v = vertex[id][i];
                        bytes.setDouble(v, V_RANK, bytes.getDouble(v, V_NEXT));
                        bytes.setDouble(v, V_NEXT, 0.0);
                    }
                    if (id == 0) {
                        itersDone[0] = iter + 1;
                    }
                }
                Workers.await(barrier);
                if (id == 0) {
                    span[1] = System.nanoTime();
                }
            });
        }
        return (span[1] - span[0]) / 1e9;
    }

    private void receiveChunk(EntryCalls calls, PoolBytes bytes, long[] mine, int stage, int iter, int id,
            int chunk) {
        int client = id + 1;
        boolean[] seen = new boolean[workers];
        for (int received = 0; received < workers - 1; received++) {
            long m = calls.recv(client, ShadowEntry.ANY_SENDER);
            int src = bytes.getInt(m, M_SRC);
            int dst = bytes.getInt(m, M_DST);
            if (bytes.getLong(m, M_STAGE) != stage || bytes.getLong(m, M_ITER) != iter || dst != id
                    || bytes.getLong(m, M_OFFSET) != (long) chunk * MSG_VALUES
                    || Integer.compareUnsigned(src, workers) >= 0 || src == id || seen[src]) {
                throw EntryCalls.selfCheck("pagerank message mismatch: worker=" + id + " iter=" + iter + " got src="
                        + Integer.toUnsignedString(src) + " dst=" + Integer.toUnsignedString(dst) + " chunk="
                        + chunk);
            }
            seen[src] = true;
            long count = bytes.getLong(m, M_COUNT);
            long offset = bytes.getLong(m, M_OFFSET);
            if (Long.compareUnsigned(count, MSG_VALUES) > 0 || offset + count > mine.length) {
                throw EntryCalls.selfCheck("pagerank message mismatch: worker=" + id + " iter=" + iter + " got src="
                        + src + " dst=" + dst + " chunk=" + chunk);
            }
            for (int i = 0; i < count; i++) {
                long v = mine[(int) (offset + i)];
                bytes.setDouble(v, V_NEXT, bytes.getDouble(v, V_NEXT) + DAMPING * bytes.getDouble(m, M_VALUES + 8L * i));
            }
            calls.free(client, m);
        }
    }
}

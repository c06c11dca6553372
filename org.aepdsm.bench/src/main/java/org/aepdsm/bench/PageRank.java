package org.aepdsm.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.bench.internal.CompilerIdle;
import org.aepdsm.bench.internal.PoolBytes;
import org.aepdsm.bench.internal.WarmUp;
import org.aepdsm.bench.sync.WorkerBarrier;

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

    /**
     * One stage's partition of vertices over workers: worker w owns ids [start[w], start[w] + count[w]), the first
     * {@code rem} workers one more than the rest. The split point and divisors are computed once, so the owner of
     * an edge's destination costs one division, as in the original once its compiler hoists them.
     */
    private static final class Partition {
        final long vertices;
        final long[] start;
        final int[] count;
        final int[] chunks;
        final int maxChunks;
        private final long base;
        private final long rem;
        private final long split;

        Partition(long vertices, int workers) {
            this.vertices = vertices;
            this.base = vertices / workers;
            this.rem = vertices % workers;
            this.split = (base + 1) * rem;
            this.start = new long[workers];
            this.count = new int[workers];
            this.chunks = new int[workers];
            long next = 0;
            int most = 0;
            for (int w = 0; w < workers; w++) {
                count[w] = (int) (base + (w < rem ? 1 : 0));
                start[w] = next;
                chunks[w] = (count[w] + MSG_VALUES - 1) / MSG_VALUES;
                most = Math.max(most, chunks[w]);
                next += count[w];
            }
            this.maxChunks = most;
        }

        int ownerOf(long vertex) {
            if (vertex < split) {
                return (int) (vertex / (base + 1));
            }
            return (int) (rem + (vertex - split) / base);
        }
    }

    /** A stage's vertex objects by worker: their handles (to free them) and their pool offsets (to read them). */
    private record Vertices(long[][] handle, long[][] at) {
    }

    @Override
    public Measurement run(ShadowEntry entry, PrintStream out, Progress progress) {
        EntryCalls calls = new EntryCalls(entry.onThisThread());
        PoolBytes bytes = new PoolBytes(entry.memory());
        warmUp(calls, bytes, progress);
        long aepBytes = 0;
        List<Vertices> allStages = new ArrayList<>();
        List<Figure> stageFigures = new ArrayList<>();
        double totalEdgeWork = 0;
        double totalSeconds = 0;
        long vertices = initialVertices;
        for (int s = 0; s < stages; s++) {
            long aepBefore = aepBytes;
            Partition part = new Partition(vertices, workers);
            Vertices vertex = allocateStage(calls, bytes, part);
            aepBytes += vertices * vertexBytes();
            allStages.add(vertex);
            CompilerIdle.await();
            StageWorker[] crew = new StageWorker[workers];
            double seconds = runStage(calls, bytes, part, vertex, s, iterations, "pagerank stage " + s, crew,
                    progress);
            long msgBytes = 0;
            for (StageWorker w : crew) {
                msgBytes += w.messageBytes;
            }
            aepBytes += msgBytes;
            double traversed = (double) vertices * edgesPerVertex * iterations;
            double checksum = 0;
            for (int w = 0; w < workers; w++) {
                for (long v : vertex.at[w]) {
                    checksum += bytes.doubleAt(v + V_RANK);
                }
            }
            out.println("[stage " + s + "]");
            out.println("  vertices = " + vertices);
            out.println("  edges = " + vertices * edgesPerVertex);
            out.println("  iterations = " + iterations);
            out.println("  stage AEP allocation = " + (aepBytes - aepBefore) + " bytes");
            out.println("  cumulative AEP allocation = " + aepBytes + " bytes");
            out.println("  message allocation = " + msgBytes + " bytes");
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
        for (Vertices vertex : allStages) {
            free(calls, vertex);
        }
        List<Figure> figures = new ArrayList<>();
        figures.add(Figure.higher("throughput", totalEdgeWork / 1000000.0 / totalSeconds, "Medges/sec"));
        figures.addAll(stageFigures);
        return new Measurement(figures);
    }

    /**
     * Fewest untimed warm-up rounds before stage 0 (see {@link #warmUp}), one more than {@link WarmUp#MIN_ROUNDS};
     * the most rounds and the time limit are {@link WarmUp}'s usual ones.
     */
    public static final int MIN_WARMUP_ROUNDS = WarmUp.MIN_ROUNDS + 1;

    /** Iterations of each stage of a warm-up round. */
    public static final int WARMUP_ITERATIONS = 3;

    /**
     * Most vertices of a stage a warm-up round runs: stages of the run up to this size are warmed up at their own
     * size; larger ones run long enough that the compilers' work at their start is a small share of their time.
     */
    public static final long WARMUP_MAX_VERTICES = 1L << 16;

    /**
     * Untimed rounds, each the run's stages in small: for every stage up to {@link #WARMUP_MAX_VERTICES} vertices
     * (stage 0 at least), allocate its vertices, keeping the earlier stages' as a timed run does, and run
     * {@link #WARMUP_ITERATIONS} iterations; then free them all. At least {@link #MIN_WARMUP_ROUNDS}, then more until
     * a round passes without the JIT compilers doing any work, at most {@link WarmUp#MAX_ROUNDS} or until
     * {@link WarmUp#MILLIS} ms have passed. The JVM compiles the workers' and the entry's code from profiles that
     * have seen every path a timed stage takes: one round is not enough, since the first free of the vertices (a
     * path the iterations never take) discards the entry's compiled code, and with more workers than processors
     * the compilers get little processor time while the workers run. Rounds of stage 0 alone left the larger
     * stages' paths to the timed run (a stage's chunk loop running longer, remote frees collected in larger
     * batches, page runs claimed for larger stages), and a compilation in the middle of a stage holds all four
     * workers at their next crossing: with the seed's arguments, stages that ran beside a C2 compilation of the
     * worker loop or of the allocator's collect, splice or claimPages took 4 to 9 times as long as without. The
     * heap peer warms up the same way. It prints nothing and leaves the pool as it found it.
     */
    private void warmUp(EntryCalls calls, PoolBytes bytes, Progress progress) {
        int sized = WarmUp.doublingSizes(initialVertices, stages, WARMUP_MAX_VERTICES);
        WarmUp.run(MIN_WARMUP_ROUNDS, WarmUp.MAX_ROUNDS, WarmUp.MILLIS, round -> {
            List<Vertices> held = new ArrayList<>();
            long vertices = initialVertices;
            for (int s = 0; s < sized; s++, vertices *= 2) {
                Partition part = new Partition(vertices, workers);
                Vertices vertex = allocateStage(calls, bytes, part);
                held.add(vertex);
                runStage(calls, bytes, part, vertex, s, WARMUP_ITERATIONS,
                        "pagerank warm-up round " + round + " stage " + s, new StageWorker[workers], progress);
            }
            for (Vertices vertex : held) {
                free(calls, vertex);
            }
        });
    }

    /** FREEs a stage's vertices, each by the worker's client that allocated it. */
    private void free(EntryCalls calls, Vertices vertex) {
        for (int w = 0; w < workers; w++) {
            for (long h : vertex.handle[w]) {
                calls.free(w + 1, h);
            }
        }
    }

    private long vertexBytes() {
        return VERTEX_HEADER_BYTES + 4L * edgesPerVertex;
    }

    private Vertices allocateStage(EntryCalls calls, PoolBytes bytes, Partition part) {
        long size = vertexBytes();
        double initialRank = 1.0 / part.vertices;
        long[][] handle = new long[workers][];
        long[][] at = new long[workers][];
        for (int w = 0; w < workers; w++) {
            handle[w] = new long[part.count[w]];
            at[w] = new long[part.count[w]];
            for (int i = 0; i < part.count[w]; i++) {
                long id = part.start[w] + i;
                long h = calls.malloc(w + 1, size, 0);
                long v = PoolBytes.offsetOf(h);
                bytes.setLongAt(v + V_ID, id);
                bytes.setIntAt(v + V_DEGREE, edgesPerVertex);
                bytes.setIntAt(v + V_RESERVED, 0);
                bytes.setDoubleAt(v + V_RANK, initialRank);
                bytes.setDoubleAt(v + V_NEXT, 0.0);
                for (int e = 0; e < edgesPerVertex; e++) {
                    bytes.setIntAt(v + V_EDGES + 4L * e,
                            (int) Long.remainderUnsigned(mix64(id * 1315423911L + e), part.vertices));
                }
                handle[w][i] = h;
                at[w][i] = v;
            }
        }
        return new Vertices(handle, at);
    }

    private double runStage(EntryCalls calls, PoolBytes bytes, Partition part, Vertices vertex, int stage,
            int iterations, String phase, StageWorker[] crew, Progress progress) {
        WorkerBarrier barrier = new WorkerBarrier(workers);
        long[] span = new long[2];
        int[] itersDone = new int[1];
        try (Progress.Phase p = progress.phase(phase, iterations, "iterations",
                () -> itersDone[0])) {
            Workers.run("pagerank", workers, barrier, id -> {
                StageWorker w = new StageWorker(this, calls.onThisThread(), bytes, part, vertex.at[id], stage, id);
                crew[id] = w;
                barrier.await();
                if (id == 0) {
                    span[0] = System.nanoTime();
                }
                for (int iter = 0; iter < iterations; iter++) {
                    w.iterate(barrier, iter);
                    if (id == 0) {
                        itersDone[0] = iter + 1;
                    }
                }
                barrier.await();
                if (id == 0) {
                    span[1] = System.nanoTime();
                }
            });
        }
        return (span[1] - span[0]) / 1e9;
    }

    /**
     * One worker's part of a stage: its vertices' pool offsets, its self-accumulator, and the message objects it
     * fills for the other workers in an iteration. Each phase of an iteration is its own small method, so the JIT
     * compiles each loop on its own and soon, instead of recompiling one large worker body for every loop in it.
     * Owned by its worker thread.
     */
    private static final class StageWorker {
        private final EntryCalls calls;
        private final PoolBytes bytes;
        private final Partition part;
        private final long[] mine;
        private final double[] self;
        private final long[][] outMsgs;
        private final long[][] outAt;
        /** Per destination worker, the rank shares for its range in this iteration: chunk c at [64c, 64c+64). */
        private final double[][] outShares;
        /** One vertex's edges, read from its object in one run. */
        private final int[] edgeBuf;
        /** One received message's values. */
        private final double[] valueBuf = new double[MSG_VALUES];
        private final boolean[] seen;
        private final String[] sendFailure;
        private final int workers;
        private final int stage;
        private final int id;
        private final int client;
        long messageBytes;

        StageWorker(PageRank run, EntryCalls calls, PoolBytes bytes, Partition part, long[] mine, int stage,
                int id) {
            this.calls = calls;
            this.bytes = bytes;
            this.part = part;
            this.mine = mine;
            this.workers = run.workers;
            this.stage = stage;
            this.id = id;
            this.client = id + 1;
            this.self = new double[mine.length];
            this.outMsgs = new long[workers][];
            this.outAt = new long[workers][];
            this.outShares = new double[workers][];
            this.edgeBuf = new int[run.edgesPerVertex];
            this.seen = new boolean[workers];
            this.sendFailure = new String[workers];
            for (int dst = 0; dst < workers; dst++) {
                outMsgs[dst] = new long[dst == id ? 0 : part.chunks[dst]];
                outAt[dst] = new long[outMsgs[dst].length];
                outShares[dst] = new double[outMsgs[dst].length * MSG_VALUES];
                sendFailure[dst] = "pagerank send failed: " + client + " -> " + (dst + 1);
            }
        }

        void iterate(WorkerBarrier barrier, int iter) {
            Arrays.fill(self, 0.0);
            setNext((1.0 - DAMPING) / part.vertices);
            allocateMessages(iter);
            scatter();
            applySelf();
            for (int chunk = 0; chunk < part.maxChunks; chunk++) {
                for (int dst = 0; dst < workers; dst++) {
                    if (dst != id && chunk < part.chunks[dst]) {
                        calls.send(client, dst + 1, outMsgs[dst][chunk], sendFailure[dst]);
                    }
                }
                barrier.await();
                if (chunk < part.chunks[id]) {
                    receiveChunk(iter, chunk);
                }
                barrier.await();
            }
            commitRanks();
        }

        private void setNext(double baseRank) {
            for (long v : mine) {
                bytes.setDoubleAt(v + V_NEXT, baseRank);
            }
        }

        private void allocateMessages(int iter) {
            for (int dst = 0; dst < workers; dst++) {
                long[] handles = outMsgs[dst];
                for (int c = 0; c < handles.length; c++) {
                    long off = (long) c * MSG_VALUES;
                    long m = calls.malloc(client, MESSAGE_BYTES, 0);
                    messageBytes += MESSAGE_BYTES;
                    long at = PoolBytes.offsetOf(m);
                    bytes.setLongAt(at + M_STAGE, stage);
                    bytes.setLongAt(at + M_ITER, iter);
                    bytes.setIntAt(at + M_SRC, id);
                    bytes.setIntAt(at + M_DST, dst);
                    bytes.setLongAt(at + M_OFFSET, off);
                    bytes.setLongAt(at + M_COUNT, Math.min(part.count[dst] - off, MSG_VALUES));
                    handles[c] = m;
                    outAt[dst][c] = at;
                }
            }
        }

        /**
         * Pushes every local vertex's rank share along its edges: to self, or to the owner's share of the
         * destination's chunk, then writes each chunk's 64 shares into its message's values in one run. The
         * messages end as the original's do (zeroed at allocation, then summed into slot by slot in the same
         * order), their values written once instead of read and written back per edge.
         */
        private void scatter() {
            for (double[] shares : outShares) {
                Arrays.fill(shares, 0.0);
            }
            long[] start = part.start;
            int[] edges = edgeBuf;
            for (long v : mine) {
                int degree = bytes.intAt(v + V_DEGREE);
                if (Integer.compareUnsigned(degree, edges.length) > 0 || degree == 0) {
                    throw EntryCalls.selfCheck("pagerank vertex at pool offset " + v + " has out_degree "
                            + Integer.toUnsignedString(degree) + ", expected " + edges.length);
                }
                double share = bytes.doubleAt(v + V_RANK) / degree;
                bytes.intsAt(v + V_EDGES, edges, degree);
                for (int e = 0; e < degree; e++) {
                    long dstVertex = Integer.toUnsignedLong(edges[e]);
                    int owner = part.ownerOf(dstVertex);
                    int off = (int) (dstVertex - start[owner]);
                    if (owner == id) {
                        self[off] += share;
                    } else {
                        outShares[owner][off] += share;
                    }
                }
            }
            for (int dst = 0; dst < workers; dst++) {
                long[] at = outAt[dst];
                for (int c = 0; c < at.length; c++) {
                    bytes.setDoublesAt(at[c] + M_VALUES, outShares[dst], c * MSG_VALUES, MSG_VALUES);
                }
            }
        }

        private void applySelf() {
            for (int i = 0; i < mine.length; i++) {
                long next = mine[i] + V_NEXT;
                bytes.setDoubleAt(next, bytes.doubleAt(next) + DAMPING * self[i]);
            }
        }

        private void receiveChunk(int iter, int chunk) {
            Arrays.fill(seen, false);
            for (int received = 0; received < workers - 1; received++) {
                long m = calls.recv(client, ShadowEntry.ANY_SENDER);
                long at = PoolBytes.offsetOf(m);
                int src = bytes.intAt(at + M_SRC);
                int dst = bytes.intAt(at + M_DST);
                if (bytes.longAt(at + M_STAGE) != stage || bytes.longAt(at + M_ITER) != iter || dst != id
                        || bytes.longAt(at + M_OFFSET) != (long) chunk * MSG_VALUES
                        || Integer.compareUnsigned(src, workers) >= 0 || src == id || seen[src]) {
                    throw EntryCalls.selfCheck("pagerank message mismatch: worker=" + id + " iter=" + iter
                            + " got src=" + Integer.toUnsignedString(src) + " dst=" + Integer.toUnsignedString(dst)
                            + " chunk=" + chunk);
                }
                seen[src] = true;
                long count = bytes.longAt(at + M_COUNT);
                long offset = bytes.longAt(at + M_OFFSET);
                if (Long.compareUnsigned(count, MSG_VALUES) > 0 || offset + count > mine.length) {
                    throw EntryCalls.selfCheck("pagerank message mismatch: worker=" + id + " iter=" + iter
                            + " got src=" + src + " dst=" + dst + " chunk=" + chunk);
                }
                double[] values = valueBuf;
                bytes.doublesAt(at + M_VALUES, values, (int) count);
                for (int i = 0; i < count; i++) {
                    long next = mine[(int) (offset + i)] + V_NEXT;
                    bytes.setDoubleAt(next, bytes.doubleAt(next) + DAMPING * values[i]);
                }
                calls.free(client, m);
            }
        }

        private void commitRanks() {
            for (long v : mine) {
                bytes.setDoubleAt(v + V_RANK, bytes.doubleAt(v + V_NEXT));
                bytes.setDoubleAt(v + V_NEXT, 0.0);
            }
        }
    }
}

package org.aepdsm.bench.peer;

import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.aepdsm.bench.PageRank;
import org.aepdsm.bench.internal.CompilerIdle;
import org.aepdsm.bench.internal.TaskThreads;
import org.aepdsm.bench.internal.WarmUp;
import org.aepdsm.bench.sync.WorkerBarrier;

/**
 * pagerank with plain Java objects: the same graph, partition, chunked message exchange between barriers, message
 * validation and rank checksum, with vertices in per-worker arrays and each message a fresh heap object handed
 * through a {@link ConcurrentLinkedQueue} per worker (the garbage collector frees them). The workers meet at the
 * same {@link WorkerBarrier} as ours, so both sides cross alike. Figures are named as ours.
 *
 * <p>Stateless; each run owns its threads.
 */
final class PagerankPeer {
    private static final int MSG_VALUES = 64;
    private static final double DAMPING = 0.85;

    private PagerankPeer() {
    }

    /** A rank message: 64 values for one chunk of the receiver's range. */
    private static final class Message {
        final int stage;
        final int iteration;
        final int src;
        final int dst;
        final long offset;
        final int count;
        final double[] values = new double[MSG_VALUES];

        Message(int stage, int iteration, int src, int dst, long offset, int count) {
            this.stage = stage;
            this.iteration = iteration;
            this.src = src;
            this.dst = dst;
            this.offset = offset;
            this.count = count;
        }
    }

    static long mix64(long x) {
        x += 0x9e3779b97f4a7c15L;
        x = (x ^ (x >>> 30)) * 0xbf58476d1ce4e5b9L;
        x = (x ^ (x >>> 27)) * 0x94d049bb133111ebL;
        return x ^ (x >>> 31);
    }

    static void run(PeerReport report, String[] a) {
        int workers = Integer.parseInt(a[0]);
        long initial = Long.parseLong(a[1]);
        int stages = Integer.parseInt(a[2]);
        int iterations = Integer.parseInt(a[3]);
        int edges = Integer.parseInt(a[4]);
        report.attempt("heap-objects", () -> {
            double work = 0;
            double seconds = 0;
            long vertices = initial;
            int sized = WarmUp.doublingSizes(initial, stages, PageRank.WARMUP_MAX_VERTICES);
            WarmUp.run(PageRank.MIN_WARMUP_ROUNDS, WarmUp.MAX_ROUNDS, WarmUp.MILLIS, round -> {
                for (int s = 0; s < sized; s++) {
                    stage(workers, initial << s, s, PageRank.WARMUP_ITERATIONS, edges);
                }
            });
            for (int s = 0; s < stages; s++) {
                double t = stage(workers, vertices, s, iterations, edges);
                double traversed = (double) vertices * edges * iterations;
                report.higher("heap-objects", "stage " + s + " throughput", traversed / 1e6 / t, "Medges/sec");
                work += traversed;
                seconds += t;
                vertices *= 2;
            }
            report.higher("heap-objects", "throughput", work / 1e6 / seconds, "Medges/sec");
        });
    }

    private static double stage(int workers, long vertices, int stage, int iterations, int edges) {
        long base = vertices / workers;
        long rem = vertices % workers;
        long[] start = new long[workers];
        int[] count = new int[workers];
        int[] chunks = new int[workers];
        long nextStart = 0;
        int maxChunks = 0;
        for (int w = 0; w < workers; w++) {
            count[w] = (int) (base + (w < rem ? 1 : 0));
            start[w] = nextStart;
            chunks[w] = (count[w] + MSG_VALUES - 1) / MSG_VALUES;
            maxChunks = Math.max(maxChunks, chunks[w]);
            nextStart += count[w];
        }
        double[][] rank = new double[workers][];
        double[][] next = new double[workers][];
        int[][] edge = new int[workers][];
        for (int w = 0; w < workers; w++) {
            rank[w] = new double[count[w]];
            Arrays.fill(rank[w], 1.0 / vertices);
            next[w] = new double[count[w]];
            edge[w] = new int[count[w] * edges];
            for (int i = 0; i < count[w]; i++) {
                long id = start[w] + i;
                for (int e = 0; e < edges; e++) {
                    edge[w][i * edges + e] = (int) Long.remainderUnsigned(mix64(id * 1315423911L + e), vertices);
                }
            }
        }
        long split = (base + 1) * rem;
        @SuppressWarnings("unchecked")
        ConcurrentLinkedQueue<Message>[] inbox = new ConcurrentLinkedQueue[workers];
        for (int w = 0; w < workers; w++) {
            inbox[w] = new ConcurrentLinkedQueue<>();
        }
        WorkerBarrier barrier = new WorkerBarrier(workers);
        CompilerIdle.await();
        long[] span = new long[2];
        int mc = maxChunks;
        Throwable failure = TaskThreads.run("pagerank-peer", workers, id -> {
            double[] self = new double[count[id]];
            Message[][] out = new Message[workers][];
            barrier.await();
            if (id == 0) {
                span[0] = System.nanoTime();
            }
            for (int iter = 0; iter < iterations; iter++) {
                Arrays.fill(self, 0.0);
                Arrays.fill(next[id], (1.0 - DAMPING) / vertices);
                for (int d = 0; d < workers; d++) {
                    if (d == id) {
                        continue;
                    }
                    out[d] = new Message[chunks[d]];
                    for (int c = 0; c < chunks[d]; c++) {
                        long off = (long) c * MSG_VALUES;
                        out[d][c] = new Message(stage, iter, id, d, off,
                                (int) Math.min(count[d] - off, MSG_VALUES));
                    }
                }
                for (int i = 0; i < count[id]; i++) {
                    double share = rank[id][i] / edges;
                    for (int e = 0; e < edges; e++) {
                        long v = Integer.toUnsignedLong(edge[id][i * edges + e]);
                        int owner = v < split ? (int) (v / (base + 1)) : (int) (rem + (v - split) / base);
                        long off = v - start[owner];
                        if (owner == id) {
                            self[(int) off] += share;
                        } else {
                            out[owner][(int) (off / MSG_VALUES)].values[(int) (off % MSG_VALUES)] += share;
                        }
                    }
                }
                for (int i = 0; i < count[id]; i++) {
                    next[id][i] += DAMPING * self[i];
                }
                for (int chunk = 0; chunk < mc; chunk++) {
                    for (int d = 0; d < workers; d++) {
                        if (d != id && chunk < chunks[d]) {
                            inbox[d].add(out[d][chunk]);
                        }
                    }
                    barrier.await();
                    if (chunk < chunks[id]) {
                        boolean[] seen = new boolean[workers];
                        for (int r = 0; r < workers - 1; r++) {
                            Message m = inbox[id].poll();
                            if (m == null || m.stage != stage || m.iteration != iter || m.dst != id
                                    || m.offset != (long) chunk * MSG_VALUES || m.src < 0
                                    || m.src >= workers || m.src == id || seen[m.src]) {
                                throw new IllegalStateException("pagerank message mismatch: worker=" + id
                                        + " iter=" + iter + " chunk=" + chunk);
                            }
                            seen[m.src] = true;
                            for (int i = 0; i < m.count; i++) {
                                next[id][(int) (m.offset + i)] += DAMPING * m.values[i];
                            }
                        }
                    }
                    barrier.await();
                }
                System.arraycopy(next[id], 0, rank[id], 0, count[id]);
            }
            barrier.await();
            if (id == 0) {
                span[1] = System.nanoTime();
            }
        }, barrier::breakBarrier);
        if (failure != null) {
            throw new IllegalStateException("heap-objects pagerank failed", failure);
        }
        double sum = 0;
        for (int w = 0; w < workers; w++) {
            for (double r : rank[w]) {
                sum += r;
            }
        }
        if (Math.abs(sum - 1.0) > 1e-6) {
            throw new IllegalStateException("rank checksum " + sum + ", expected 1");
        }
        return (span[1] - span[0]) / 1e9;
    }
}

package org.aepdsm.bench.peer;

import org.aepdsm.bench.TransferBench;
import org.aepdsm.bench.internal.WarmUp;

/**
 * transfer_bench's two phases over other hand-off mechanisms ({@link Medium}): the same payload offsets, checks and
 * timed spans. A peer's "tree" is the whole tree in one buffer (48-byte records, children named by record offset
 * + 1, 0 for none), because moving one buffer is how these mechanisms move a structure; the receiver walks it and
 * checks every node, as ours does through the reference slots. Each phase first warms up as ours does ({@link
 * WarmUp} rounds of {@link TransferBench#SINGLE_WARMUP_ROUNDS}, of up to {@link TransferBench#WARMUP_ROUNDS} for the
 * tree).
 *
 * <p>Stateless.
 */
final class TransferPeers {
    private static final long MAGIC = 0xaed5000000000001L;
    private static final int SRC = 1;
    private static final int DST = 2;
    private static final long NODE = 48;
    /** Untimed rounds before each timed loop, as transfer_bench runs for ours. */

    private TransferPeers() {
    }

    static long checksumFor(long v) {
        return v ^ 0xaed500005eed1234L ^ (v << 17) ^ (v >>> 9);
    }

    static void run(PeerReport report, String[] a) {
        int rounds = Integer.parseInt(a[0]);
        long objectSize = Long.parseLong(a[1]);
        int depth = Integer.parseInt(a[2]);
        String mode = a[3];
        report.attempt("arrow-transfer-ownership", () -> {
            try (Medium.ArrowTransfer m = new Medium.ArrowTransfer(2)) {
                measure(report, "arrow-transfer-ownership", m, rounds, objectSize, depth, mode);
            }
        });
        report.attempt("handoff-queue", () -> {
            try (Medium.QueueHandOff m = new Medium.QueueHandOff(2)) {
                measure(report, "handoff-queue", m, rounds, objectSize, depth, mode);
            }
        });
    }

    static <B> void measure(PeerReport report, String peer, Medium<B> m, int rounds, long objectSize, int depth,
            String mode) {
        if (mode.equals("all") || mode.equals("single")) {
            B obj = m.create(SRC, objectSize);
            m.set(obj, 16, MAGIC);
            obj = WarmUp.carry(obj, o -> singleRounds(m, o, TransferBench.SINGLE_WARMUP_ROUNDS));
            long start = System.nanoTime();
            obj = singleRounds(m, obj, rounds);
            long end = System.nanoTime();
            m.release(obj);
            double transfers = rounds * 2.0;
            double seconds = (end - start) / 1e9;
            report.lower(peer, "single-object latency", seconds * 1e9 / transfers, "ns/transfer");
            report.higher(peer, "single-object throughput", transfers / 1e6 / seconds, "Mtransfers/sec");
        }
        if (mode.equals("all") || mode.equals("tree")) {
            long nodes = (1L << (depth + 1)) - 1;
            B tree = m.create(SRC, nodes * NODE);
            long[] next = {0};
            build(m, tree, depth, 1, next);
            long transferNanos = 0;
            long traversalNanos = 0;
            long visitedTotal = 0;
            long[] sum = new long[1];
            tree = WarmUp.carry(tree, start -> {
                B t = start;
                for (int i = Math.min(rounds, TransferBench.WARMUP_ROUNDS); i > 0; i--) {
                    t = m.transfer(t, SRC, DST);
                    if (traverse(m, t, 0, sum) != nodes) {
                        throw new IllegalStateException("tree traversal lost nodes while warming up");
                    }
                    t = m.transfer(t, DST, SRC);
                }
                return t;
            });
            for (int i = 0; i < rounds; i++) {
                long t0 = System.nanoTime();
                tree = m.transfer(tree, SRC, DST);
                long t1 = System.nanoTime();
                sum[0] = 0;
                long visited = traverse(m, tree, 0, sum);
                long t2 = System.nanoTime();
                if (visited != nodes) {
                    throw new IllegalStateException("tree traversal visited " + visited + " nodes, expected " + nodes);
                }
                visitedTotal += visited;
                transferNanos += t1 - t0;
                traversalNanos += t2 - t1;
                tree = m.transfer(tree, DST, SRC);
            }
            m.release(tree);
            report.lower(peer, "tree root transfer latency", (double) transferNanos / rounds, "ns/transfer");
            report.lower(peer, "tree traversal latency", (double) traversalNanos / visitedTotal, "ns/node");
        }
    }

    private static <B> B singleRounds(Medium<B> m, B obj, int n) {
        for (int i = 0; i < n; i++) {
            m.set(obj, 24, i);
            m.set(obj, 32, checksumFor(i));
            obj = m.transfer(obj, SRC, DST);
            if (m.get(obj, 16) != MAGIC || m.get(obj, 32) != checksumFor(m.get(obj, 24))) {
                throw new IllegalStateException("single-object payload mismatch at round " + i);
            }
            obj = m.transfer(obj, DST, SRC);
        }
        return obj;
    }

    private static <B> long build(Medium<B> m, B tree, int depth, long index, long[] next) {
        long at = next[0]++ * NODE;
        m.set(tree, at + 16, index);
        m.set(tree, at + 24, checksumFor(index));
        if (depth > 0) {
            long left = build(m, tree, depth - 1, index * 2, next);
            long right = build(m, tree, depth - 1, index * 2 + 1, next);
            m.set(tree, at, left + 1);
            m.set(tree, at + 8, right + 1);
        }
        return at;
    }

    private static <B> long traverse(Medium<B> m, B tree, long at, long[] sum) {
        long index = m.get(tree, at + 16);
        long checksum = m.get(tree, at + 24);
        if (checksum != checksumFor(index)) {
            throw new IllegalStateException("tree node checksum mismatch at index " + index);
        }
        sum[0] ^= checksum + index;
        long visited = 1;
        long left = m.get(tree, at);
        if (left != 0) {
            visited += traverse(m, tree, left - 1, sum);
        }
        long right = m.get(tree, at + 8);
        if (right != 0) {
            visited += traverse(m, tree, right - 1, sum);
        }
        return visited;
    }
}

package org.aepdsm.bench.peer;

import org.aepdsm.bench.ServerlessChain;
import org.aepdsm.bench.internal.ChainHops;
import org.aepdsm.bench.internal.WarmUp;

/**
 * serverless_chain over other hand-off mechanisms ({@link Medium}): the same payload, stamps and checks, each
 * round's clients-1 hops, every other round the other way, all rounds in one timed span, exactly as ours, after the
 * same untimed warm-up ({@link WarmUp} rounds of {@link ServerlessChain#WARMUP_ROUNDS} chain rounds).
 *
 * <p>Stateless.
 */
final class ChainPeers {
    private static final long MAGIC = 0xaed500000000c001L;

    private ChainPeers() {
    }

    static long checksumFor(long round, long hop) {
        return 0xaed55a5aL ^ (round * 0x9e3779b97f4a7c15L) ^ (hop << 32);
    }

    static void run(PeerReport report, String[] a) {
        int rounds = Integer.parseInt(a[0]);
        long objectSize = Long.parseLong(a[1]);
        int clients = Integer.parseInt(a[2]);
        report.attempt("arrow-transfer-ownership", () -> {
            try (Medium.ArrowTransfer m = new Medium.ArrowTransfer(clients)) {
                measure(report, "arrow-transfer-ownership", m, rounds, objectSize, clients);
            }
        });
        report.attempt("handoff-queue", () -> {
            try (Medium.QueueHandOff m = new Medium.QueueHandOff(clients)) {
                measure(report, "handoff-queue", m, rounds, objectSize, clients);
            }
        });
    }

    static <B> void measure(PeerReport report, String peer, Medium<B> m, int rounds, long objectSize, int clients) {
        B payload = m.create(1, objectSize);
        m.set(payload, 0, MAGIC);
        payload = WarmUp.carry(payload, p -> rounds(m, p, ServerlessChain.WARMUP_ROUNDS, clients));
        long start = System.nanoTime();
        payload = rounds(m, payload, rounds, clients);
        long nanos = System.nanoTime() - start;
        m.release(payload);
        double transfers = (double) rounds * (clients - 1);
        report.lower(peer, "latency", nanos / transfers, "ns/transfer");
        report.higher(peer, "throughput", transfers / (nanos / 1e9), "transfers/sec");
    }

    /** Rounds 0 to {@code count - 1}, the warm-up's and the timed span's alike, as ours. */
    private static <B> B rounds(Medium<B> m, B payload, int count, int clients) {
        B p = payload;
        for (int r = 0; r < count; r++) {
            p = round(m, p, r, clients);
        }
        return p;
    }

    /**
     * One round as ours runs it: hops 1 -> clients in even rounds, clients -> 1 in odd ones, each checked and
     * stamped.
     */
    private static <B> B round(Medium<B> m, B payload, int r, int clients) {
        stamp(m, payload, r, 0);
        for (int hop = 1; hop < clients; hop++) {
            payload = m.transfer(payload, ChainHops.from(r, hop, clients), ChainHops.to(r, hop, clients));
            if (m.get(payload, 0) != MAGIC || m.get(payload, 8) != r || m.get(payload, 16) != hop - 1
                    || m.get(payload, 24) != checksumFor(r, hop - 1)) {
                throw new IllegalStateException("payload mismatch: round=" + m.get(payload, 8) + " hop="
                        + m.get(payload, 16) + ", expected round=" + r + " hop=" + (hop - 1));
            }
            stamp(m, payload, r, hop);
        }
        return payload;
    }

    private static <B> void stamp(Medium<B> m, B payload, long round, long hop) {
        m.set(payload, 8, round);
        m.set(payload, 16, hop);
        m.set(payload, 24, checksumFor(round, hop));
    }
}

package org.aepdsm.bench.peer;

import java.util.ArrayList;
import java.util.List;

import org.aepdsm.bench.ServerlessChain;
import org.aepdsm.bench.internal.WarmUp;

/**
 * serverless_chain over other hand-off mechanisms ({@link Medium}): the same payload, stamps and checks, each
 * round's clients-1 hops timed, the return hop to party 1 untimed, exactly as ours, after the same untimed
 * warm-up ({@link WarmUp} rounds of {@link ServerlessChain#WARMUP_ROUNDS} chain rounds).
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
        long[] nanos = new long[1];
        List<B> held = new ArrayList<>(List.of(payload));
        WarmUp.run(w -> {
            for (int r = 0; r < ServerlessChain.WARMUP_ROUNDS; r++) {
                held.set(0, round(m, held.get(0), r, clients, nanos));
            }
        });
        payload = held.get(0);
        nanos[0] = 0;
        for (int r = 0; r < rounds; r++) {
            payload = round(m, payload, r, clients, nanos);
        }
        m.release(payload);
        double transfers = (double) rounds * (clients - 1);
        report.lower(peer, "latency", nanos[0] / transfers, "ns/transfer");
        report.higher(peer, "throughput", transfers / (nanos[0] / 1e9), "transfers/sec");
    }

    /** One round as ours runs it: timed hops 1 -> clients, each checked and stamped, then untimed back to 1. */
    private static <B> B round(Medium<B> m, B payload, int r, int clients, long[] nanos) {
        stamp(m, payload, r, 0);
        long t0 = System.nanoTime();
        for (int c = 1; c < clients; c++) {
            payload = m.transfer(payload, c, c + 1);
            if (m.get(payload, 0) != MAGIC || m.get(payload, 8) != r || m.get(payload, 16) != c - 1
                    || m.get(payload, 24) != checksumFor(r, c - 1)) {
                throw new IllegalStateException("payload mismatch: round=" + m.get(payload, 8) + " hop="
                        + m.get(payload, 16) + ", expected round=" + r + " hop=" + (c - 1));
            }
            stamp(m, payload, r, c);
        }
        nanos[0] += System.nanoTime() - t0;
        return m.transfer(payload, clients, 1);
    }

    private static <B> void stamp(Medium<B> m, B payload, long round, long hop) {
        m.set(payload, 8, round);
        m.set(payload, 16, hop);
        m.set(payload, 24, checksumFor(round, hop));
    }
}

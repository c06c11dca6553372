package org.aepdsm.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.bench.internal.ChainHops;
import org.aepdsm.bench.internal.CompilerIdle;
import org.aepdsm.bench.internal.PoolBytes;
import org.aepdsm.bench.internal.WarmUp;

/**
 * serverless_chain: one payload object passes down a chain of clients 1 -> 2 -> ... -> clients each round; every
 * hop verifies what the previous hop stamped and stamps its own hop. Payload layout (the original's):
 * <pre>
 *  +0 u64 magic 0xaed500000000c001   +8 u64 round   +16 u64 hop   +24 u64 checksum(round, hop)   +32.. zeroes
 * </pre>
 * The original's allocator does not check ownership, so its next round simply sends from client 1 again while the
 * last client holds the object. Here SEND by a non-owner is refused, so every other round runs the chain the other
 * way (clients -> ... -> 1), starting where the previous round left the object: each round is clients-1 hops between
 * neighbours, the same hops as the original's (a neighbour pair is on one node or on two either way), each checked
 * and stamped, and one timed span covers all rounds, as the original's does.
 *
 * <p>Single-use; not thread-safe (single-threaded, as the original).
 */
public final class ServerlessChain extends SeedRun {
    static final String USAGE = "Usage: serverless_chain [rounds [object_size [clients]]] [--entry=0xaddr] "
            + "[--skip-init]";
    static final int MAX_CLIENTS = 10;
    static final long PAYLOAD_BYTES = 32;
    static final long MAGIC = 0xaed500000000c001L;
    private static final long OFF_MAGIC = 0;
    private static final long OFF_ROUND = 8;
    private static final long OFF_HOP = 16;
    private static final long OFF_SUM = 24;

    int rounds = 1000000;
    long objectSize = 64;
    int clients = 10;

    private ServerlessChain(List<String> args) {
        super("serverless_chain", args);
    }

    /**
     * Parses the original's command line.
     *
     * @throws org.aepdsm.api.AepException EINVAL with the original's message
     */
    public static ServerlessChain parse(List<String> args) {
        ServerlessChain c = new ServerlessChain(args);
        CArgs.read(args, USAGE, c.options::accept, (position, v) -> {
            switch (position) {
                case 0 -> c.rounds = CArgs.toInt(v);
                case 1 -> c.objectSize = v;
                case 2 -> c.clients = CArgs.toInt(v);
                default -> throw CArgs.refuse(USAGE);
            }
        });
        if (c.rounds <= 0) {
            throw CArgs.refuse("rounds must be positive");
        }
        if (Long.compareUnsigned(c.objectSize, PAYLOAD_BYTES) < 0) {
            c.objectSize = PAYLOAD_BYTES;
        }
        if (c.clients < 2 || c.clients > MAX_CLIENTS) {
            throw CArgs.refuse("clients must be in [2, " + MAX_CLIENTS + "]");
        }
        return c;
    }

    /** The original's stamp checksum. */
    public static long checksumFor(long round, long hop) {
        return 0xaed55a5aL ^ (round * 0x9e3779b97f4a7c15L) ^ (hop << 32);
    }

    @Override
    public List<String> peerArgs() {
        return List.of(Integer.toString(rounds), Long.toUnsignedString(objectSize), Integer.toString(clients));
    }

    private static void stamp(PoolBytes bytes, long obj, long round, long hop) {
        bytes.setLong(obj, OFF_ROUND, round);
        bytes.setLong(obj, OFF_HOP, hop);
        bytes.setLong(obj, OFF_SUM, checksumFor(round, hop));
    }

    private static void verify(PoolBytes bytes, long obj, int round, int hop) {
        long r = bytes.getLong(obj, OFF_ROUND);
        long h = bytes.getLong(obj, OFF_HOP);
        long sum = bytes.getLong(obj, OFF_SUM);
        if (bytes.getLong(obj, OFF_MAGIC) != MAGIC || r != round || h != hop || sum != checksumFor(round, hop)) {
            throw EntryCalls.selfCheck("payload mismatch: round=" + Long.toUnsignedString(r) + " hop="
                    + Long.toUnsignedString(h) + " checksum=0x" + Long.toHexString(sum) + ", expected round=" + round
                    + " hop=" + hop);
        }
    }

    /**
     * Rounds of one untimed warm-up round ({@link WarmUp}: until the JIT compilers are done with the code, the same
     * for the peers), so the timed rounds run compiled code. Even, so the payload is back at client 1 after each.
     */
    public static final int WARMUP_ROUNDS = 20000;

    /**
     * One round: the payload goes 1 -> 2 -> ... -> clients in even rounds and back clients -> ... -> 1 in odd ones
     * ({@link ChainHops}), each hop checked and stamped. Returns the payload's handle, now at the round's last client.
     */
    private long round(EntryCalls calls, PoolBytes bytes, long payload, int r, String[][] failures) {
        stamp(bytes, payload, r, 0);
        int way = r & 1;
        for (int hop = 1; hop < clients; hop++) {
            int from = ChainHops.from(r, hop, clients);
            int to = ChainHops.to(r, hop, clients);
            calls.send(from, to, payload, failures[way][from]);
            payload = calls.recv(to, from);
            verify(bytes, payload, r, hop - 1);
            stamp(bytes, payload, r, hop);
        }
        return payload;
    }

    /**
     * Rounds 0 to {@code count - 1}, counted into {@code done[0]}; returns the payload's handle. The warm-up and the
     * timed span run this same method, so the timed span runs its compiled code (a loop of its own in the caller
     * would start interpreted and be compiled on stack while timed).
     */
    private long rounds(EntryCalls calls, PoolBytes bytes, long payload, int count, String[][] failures, int[] done) {
        long p = payload;
        for (int r = 0; r < count; r++) {
            p = round(calls, bytes, p, r, failures);
            done[0] = r + 1;
        }
        return p;
    }

    @Override
    public Measurement run(ShadowEntry entry, PrintStream out, Progress progress) {
        EntryCalls calls = new EntryCalls(entry.onThisThread());
        PoolBytes bytes = new PoolBytes(entry.memory());
        long payload = calls.malloc(1, objectSize, 0);
        bytes.zero(payload, 0, objectSize);
        bytes.setLong(payload, OFF_MAGIC, MAGIC);
        out.println(String.format(Locale.ROOT,
                "Running serverless chain: rounds=%d object_size=%s clients=%d hops/round=%d", rounds,
                Long.toUnsignedString(objectSize), clients, clients - 1));
        out.flush();
        String[][] failures = new String[2][clients + 1];
        for (int c = 1; c <= clients; c++) {
            failures[0][c] = "send failed: " + c + " -> " + (c + 1);
            failures[1][c] = "send failed: " + c + " -> " + (c - 1);
        }
        payload = WarmUp.carry(payload, p -> rounds(calls, bytes, p, WARMUP_ROUNDS, failures, new int[1]));
        int[] done = new int[1];
        long start;
        long end;
        try (Progress.Phase p = progress.phase("serverless_chain", rounds, "rounds", () -> done[0])) {
            CompilerIdle.await();
            start = System.nanoTime();
            payload = rounds(calls, bytes, payload, rounds, failures, done);
            end = System.nanoTime();
        }
        calls.free(ChainHops.holderAfter(rounds, clients), payload);
        double seconds = (end - start) / 1e9;
        double transfers = (double) rounds * (clients - 1);
        double latency = seconds * 1000000000.0 / transfers;
        out.println(String.format(Locale.ROOT, "Time elapsed = %.6f", seconds));
        out.println(String.format(Locale.ROOT, "Total ownership transfers = %.0f", transfers));
        out.println(String.format(Locale.ROOT, "Throughput = %.2f transfers/sec", transfers / seconds));
        out.println(String.format(Locale.ROOT, "Throughput = %.6f Mtransfers/sec", transfers / 1000000.0 / seconds));
        out.println(String.format(Locale.ROOT, "Latency = %.2f ns/transfer", latency));
        out.flush();
        return new Measurement(List.of(Figure.lower("latency", latency, "ns/transfer"),
                Figure.higher("throughput", transfers / seconds, "transfers/sec")));
    }
}

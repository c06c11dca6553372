package org.aepdsm.bench.internal;

/**
 * The hops of serverless_chain's rounds, shared by the benchmark over the allocator
 * ({@code org.aepdsm.bench.ServerlessChain}) and its peers in the child JVM ({@code org.aepdsm.bench.peer.ChainPeers}),
 * so both run the same hops. Clients are numbered 1 to {@code clients}; an even round goes 1 -> 2 -> ... -> clients
 * and an odd one back clients -> ... -> 1, so each round starts where the previous one left the payload and it is
 * always sent by the client holding it.
 *
 * <p>Stateless; thread-safe.
 */
public final class ChainHops {
    private ChainHops() {
    }

    /** The sender of hop {@code hop} (1 to {@code clients - 1}) of round {@code round}. */
    public static int from(int round, int hop, int clients) {
        return (round & 1) == 0 ? hop : clients + 1 - hop;
    }

    /** The receiver of hop {@code hop} of round {@code round}. */
    public static int to(int round, int hop, int clients) {
        return (round & 1) == 0 ? hop + 1 : clients - hop;
    }

    /** The client holding the payload after rounds 0 to {@code rounds - 1}, started at client 1. */
    public static int holderAfter(int rounds, int clients) {
        return (rounds & 1) == 0 ? 1 : clients;
    }
}

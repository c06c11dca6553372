package org.aepdsm.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * What one benchmark run produced. Immutable.
 *
 * @param benchmark     the original program's name
 * @param args          its command-line words
 * @param mode          the entry mode ({@code shadow-entry} or {@code direct-link})
 * @param ours          our measurement (the medians when there were several rounds)
 * @param peers         the peers' results (empty when peers were off; medians when there were several rounds)
 * @param json          the results file
 * @param png           the chart, or null when it could not be drawn
 * @param output        the lines the benchmark printed in the original's format
 * @param oursByRound   our measurement of each round, at least one
 * @param peersByRound  the peers of each round (empty when peers were off)
 */
public record RunReport(String benchmark, List<String> args, String mode, Measurement ours, List<PeerResult> peers,
        Path json, Path png, List<String> output, List<Measurement> oursByRound,
        List<List<PeerResult>> peersByRound) {
    public RunReport {
        args = List.copyOf(args);
        peers = List.copyOf(peers);
        output = List.copyOf(output);
        oursByRound = List.copyOf(oursByRound);
        peersByRound = List.copyOf(peersByRound);
        if (oursByRound.isEmpty()) {
            throw new IllegalArgumentException("a run has at least one round");
        }
    }

    /** A run of one round. */
    public RunReport(String benchmark, List<String> args, String mode, Measurement ours, List<PeerResult> peers,
            Path json, Path png, List<String> output) {
        this(benchmark, args, mode, ours, peers, json, png, output, List.of(ours),
                peers.isEmpty() ? List.of() : List.of(peers));
    }

    /** How many rounds were measured. */
    public int rounds() {
        return oursByRound.size();
    }

    /** Ours/peer for the figure in each round, paired round by round ({@link Rounds#ratios}). */
    public List<Double> pairedRatios(String figure, String peer) {
        return Rounds.ratios(figure, peer, oursByRound, peersByRound);
    }
}

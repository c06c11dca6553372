package org.aepdsm.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * What a benchmark measured in several rounds ({@code --rounds=N}: each round runs ours, then the peers) adds up
 * to: every figure's median over the rounds, ours and each peer's, and the ratio ours/peer round by round. On a
 * machine whose speed drifts, a ratio of two runs made back to back within one round moves less than either run,
 * and the median of several rounds moves less than one round.
 *
 * <p>Stateless; safe from any thread.
 */
public final class Rounds {
    /** The most rounds one run takes. */
    public static final int MAX = 100;

    private Rounds() {
    }

    /**
     * The median: the middle value, or the mean of the two middle ones.
     *
     * @throws IllegalArgumentException when there are no values
     */
    public static double median(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("the median of no values");
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /**
     * Our figures over the rounds: the first round's figures, in its order, each with the median of its values in
     * the rounds that have it.
     *
     * @throws IllegalArgumentException when there are no rounds
     */
    public static Measurement ours(List<Measurement> rounds) {
        if (rounds.isEmpty()) {
            throw new IllegalArgumentException("no rounds");
        }
        return new Measurement(medians(rounds.stream().map(Measurement::figures).toList()));
    }

    /** The values of our figure of that name, in round order, skipping rounds without it. */
    public static List<Double> values(String figure, List<Measurement> rounds) {
        return valuesIn(figure, rounds.stream().map(Measurement::figures).toList());
    }

    /**
     * The peers over the rounds, in the first round's order: a peer that could not run in some round is reported
     * unavailable with the first such round and its reason; any other gets its figures' medians.
     *
     * @throws IllegalArgumentException when there are no rounds
     */
    public static List<PeerResult> peers(List<List<PeerResult>> rounds) {
        if (rounds.isEmpty()) {
            throw new IllegalArgumentException("no rounds");
        }
        List<PeerResult> out = new ArrayList<>();
        for (PeerResult first : rounds.getFirst()) {
            List<PeerResult> ran = new ArrayList<>();
            String reason = null;
            for (int i = 0; i < rounds.size() && reason == null; i++) {
                PeerResult p = find(rounds.get(i), first.peer());
                if (p == null || !p.available()) {
                    reason = (rounds.size() > 1 ? "round " + (i + 1) + ": " : "")
                            + (p == null ? "not measured" : p.reason());
                } else {
                    ran.add(p);
                }
            }
            out.add(reason != null ? new PeerResult(first.peer(), List.of(), reason)
                    : new PeerResult(first.peer(), medians(ran.stream().map(PeerResult::figures).toList()), null));
        }
        return out;
    }

    /**
     * Ours/peer for the figure in each round where both measured it, in round order.
     *
     * @param ours  our measurement of each round
     * @param peers the peers of each round, as many rounds as {@code ours}
     */
    public static List<Double> ratios(String figure, String peer, List<Measurement> ours,
            List<List<PeerResult>> peers) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < Math.min(ours.size(), peers.size()); i++) {
            Figure f = ours.get(i).figure(figure);
            PeerResult p = find(peers.get(i), peer);
            Figure g = p == null ? null : p.figure(figure);
            if (f != null && Comparison.comparable(g)) {
                out.add(f.value() / g.value());
            }
        }
        return out;
    }

    /** The first round's figures, in its order, each with the median of its values in the rounds that have it. */
    private static List<Figure> medians(List<List<Figure>> rounds) {
        List<Figure> out = new ArrayList<>();
        for (Figure f : rounds.getFirst()) {
            out.add(new Figure(f.name(), median(valuesIn(f.name(), rounds)), f.unit(), f.higherIsBetter()));
        }
        return out;
    }

    private static List<Double> valuesIn(String name, List<List<Figure>> rounds) {
        List<Double> out = new ArrayList<>();
        for (List<Figure> round : rounds) {
            for (Figure f : round) {
                if (f.name().equals(name)) {
                    out.add(f.value());
                    break;
                }
            }
        }
        return out;
    }

    private static PeerResult find(List<PeerResult> peers, String name) {
        return peers.stream().filter(p -> p.peer().equals(name)).findFirst().orElse(null);
    }
}

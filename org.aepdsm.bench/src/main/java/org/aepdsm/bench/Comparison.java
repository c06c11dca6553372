package org.aepdsm.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Our figure against a peer's figure of the same name. Immutable.
 *
 * @param figure the figure's name
 * @param unit   its unit
 * @param peer   the peer
 * @param ours   our value
 * @param theirs the peer's value
 * @param higherIsBetter whether more is better for this figure
 */
public record Comparison(String figure, String unit, String peer, double ours, double theirs,
        boolean higherIsBetter) {

    /** ours / peer. */
    public double ratio() {
        return ours / theirs;
    }

    /** Whether ours is the better value. */
    public boolean oursBetter() {
        return higherIsBetter ? ours > theirs : ours < theirs;
    }

    /** How many times better the better one is. */
    public double factor() {
        double r = ratio();
        return r >= 1 ? r : 1 / r;
    }

    /** One line for people: the peer's value, the ratio, its direction and who wins. */
    public String describe() {
        return String.format(Locale.ROOT, "%-28s %16.2f %s; ours/peer = %.3f (%s is better: %s %.2fx better)", peer,
                theirs, unit, ratio(), higherIsBetter ? "higher" : "lower", oursBetter() ? "ours" : "peer",
                factor());
    }

    /** Whether a peer's figure can divide ours: present, finite and not zero. */
    static boolean comparable(Figure peer) {
        return peer != null && peer.value() != 0 && Double.isFinite(peer.value());
    }

    /** Every comparison of our figures with the peers' figures of the same names. */
    public static List<Comparison> of(Measurement ours, List<PeerResult> peers) {
        List<Comparison> out = new ArrayList<>();
        for (Figure f : ours.figures()) {
            for (PeerResult p : peers) {
                Figure g = p.figure(f.name());
                if (comparable(g)) {
                    out.add(new Comparison(f.name(), f.unit(), p.peer(), f.value(), g.value(), f.higherIsBetter()));
                }
            }
        }
        return out;
    }
}

package org.aepdsm.bench;

import java.util.List;

/**
 * One peer's outcome: its figures, or why it could not run. Immutable.
 *
 * @param peer    the peer's name (e.g. {@code ffm-malloc})
 * @param figures what it measured (empty when unavailable)
 * @param reason  why it could not run, or null when it ran
 */
public record PeerResult(String peer, List<Figure> figures, String reason) {
    public PeerResult {
        figures = List.copyOf(figures);
    }

    /** Whether the peer ran. */
    public boolean available() {
        return reason == null;
    }

    /** The figure of that name, or null. */
    public Figure figure(String name) {
        return figures.stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
    }
}

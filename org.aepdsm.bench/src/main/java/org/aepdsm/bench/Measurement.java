package org.aepdsm.bench;

import java.util.List;

/**
 * What one benchmark run measured: the headline figure and all figures (headline first). Immutable.
 *
 * @param figures the figures, the first being the headline
 */
public record Measurement(List<Figure> figures) {
    public Measurement {
        if (figures.isEmpty()) {
            throw new IllegalArgumentException("a measurement needs at least one figure");
        }
        figures = List.copyOf(figures);
    }

    /** The figure of that name, or null. */
    public Figure figure(String name) {
        return figures.stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
    }

    /** The headline figure. */
    public Figure headline() {
        return figures.getFirst();
    }
}

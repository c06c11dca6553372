package org.aepdsm.console;

import java.util.Collection;
import java.util.Optional;

/**
 * Which backend should be active, given the one the configuration selects and the
 * ones whose bundles are running. The selected backend wins when it is present;
 * otherwise the simulated one, which runs anywhere; otherwise the first by id.
 * So stopping the active backend's bundle hands over to another, and starting the
 * selected one again takes it back. Stateless.
 */
final class BackendChoice {
    /** The backend every runtime has unless stopped. */
    static final String DEFAULT = "sim";

    private BackendChoice() {
    }

    /** The id that should be active, or empty when no backend is present. */
    static Optional<String> activeFor(String selected, Collection<String> present) {
        if (present.contains(selected)) {
            return Optional.of(selected);
        }
        if (present.contains(DEFAULT)) {
            return Optional.of(DEFAULT);
        }
        return present.stream().sorted().findFirst();
    }

    /** The configuration PID of a backend's component. */
    static String pidOf(String id) {
        return "org.aepdsm.backend." + id;
    }
}

package org.aepdsm.bench;

import java.util.Set;

/**
 * Selects the active memory backend for {@code aep:bench suite --backends=...}. The framework's implementation
 * writes the selection through ConfigAdmin and waits for the shadow entry over the new backend; tests supply
 * their own.
 *
 * <p>Implementations are thread-safe; a suite switches from one thread.
 */
public interface BackendSwitch {
    /** The id of the active backend, or null when none is active. */
    String active();

    /** The ids of the backends present (active or not). */
    Set<String> present();

    /**
     * Makes {@code id} the active backend and returns once a shadow entry over it is registered.
     *
     * @throws org.aepdsm.api.AepException EINVAL for an unknown id, EBUSY when the switch does not complete in time
     */
    void use(String id);
}

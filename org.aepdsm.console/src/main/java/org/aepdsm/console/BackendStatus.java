package org.aepdsm.console;

import org.aepdsm.api.memory.BackendInfo;

/**
 * A present backend as the console shows it. Immutable snapshot.
 *
 * @param id       the backend id
 * @param active   whether its service says it is active
 * @param selected whether the configuration selects it
 * @param info     its description and capabilities, or null if it could not be read
 */
public record BackendStatus(String id, boolean active, boolean selected, BackendInfo info) {
}

package org.aepdsm.api.memory;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A description of a backend for users and for code that adapts to it. Immutable.
 *
 * @param id           {@code "sim"} or {@code "native"}
 * @param description  one line for a person
 * @param capabilities what the backend can do
 * @param isolation    how its protection domain isolates
 * @param details      further facts as key/value text (for example {@code pagemap=readable}), in a stable order
 */
public record BackendInfo(String id, String description, Set<Capability> capabilities, Isolation isolation,
        Map<String, String> details) {
    public BackendInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(description, "description");
        capabilities = Set.copyOf(capabilities);
        Objects.requireNonNull(isolation, "isolation");
        details = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
    }

    /** Whether the backend has the capability. */
    public boolean has(Capability capability) {
        return capabilities.contains(capability);
    }
}

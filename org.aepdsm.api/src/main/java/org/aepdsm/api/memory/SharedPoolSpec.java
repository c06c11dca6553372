package org.aepdsm.api.memory;

import java.util.Objects;

/**
 * What shared pool to open. Immutable.
 *
 * @param name   the pool's name; on the native backend a file name under {@code /dev/shm}
 *               or a device path such as {@code /dev/dax0.0}
 * @param size   bytes, a multiple of 4096; ignored when attaching to a pool that exists
 * @param attach true to attach to a pool another client or process initialized
 *               (the benchmarks' {@code --skip-init}); false to create it, or reset it if it exists
 */
public record SharedPoolSpec(String name, long size, boolean attach) {
    public SharedPoolSpec {
        Objects.requireNonNull(name, "name");
    }
}

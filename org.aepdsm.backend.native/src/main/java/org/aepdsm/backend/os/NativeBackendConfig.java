package org.aepdsm.backend.os;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the native backend, PID {@value NativeBackendComponent#PID}. Immutable (an
 * annotation instance).
 */
@ObjectClassDefinition(id = NativeBackendComponent.PID, name = "AEP-DSM native backend",
        description = "The real Linux machine through FFM; only one backend is active at a time")
public @interface NativeBackendConfig {
    /** Size of node 0's memfd frame pool. */
    @AttributeDefinition(name = "Pool size (MiB)", description = "Size of node 0's frame pool, a memfd; "
            + "a multiple of 2 MiB", min = "2")
    int poolMiB() default 256;

    /** Directory of named shared pools. */
    @AttributeDefinition(name = "Shared pool directory", description = "Where named shared pools are files")
    String shmDirectory() default "/dev/shm";

    /** Whether this backend is the active one (property {@code aepdsm.active}). */
    @AttributeDefinition(name = "Active", description = "Whether this backend is the one the logic bundles use")
    boolean aepdsm_active() default false;
}

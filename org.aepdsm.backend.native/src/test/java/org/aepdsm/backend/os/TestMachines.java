package org.aepdsm.backend.os;

import java.nio.file.Path;

/** Machines for tests: a 64 MiB pool, shared pools in /dev/shm. Stateless. */
final class TestMachines {
    static final long POOL_BYTES = 64L << 20;

    private TestMachines() {
    }

    static NativeMachine small() {
        return new NativeMachine(new NativeMachine.Settings(POOL_BYTES, Path.of("/dev/shm")));
    }
}

package org.aepdsm.mmview;

import java.nio.file.Path;

import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.backend.os.NativeMachine;

/** The view stress test on the native backend. */
class NativeViewStressTest extends ViewStress {
    @Override
    protected MemoryBackend createBackend() {
        return new NativeMachine(new NativeMachine.Settings(64L << 20, Path.of("/dev/shm")));
    }

    @Override
    protected void shutdown(MemoryBackend b) {
        ((NativeMachine) b).shutdown();
    }
}

package org.aepdsm.mmview;

import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.api.memory.ViewableSpace;
import org.aepdsm.api.view.ViewSet;
import java.nio.file.Path;

import org.aepdsm.backend.os.NativeMachine;
import org.aepdsm.testkit.ViewSetContract;

/** The view-set contract on the native backend (a 64 MiB memfd pool). */
class NativeViewSetContractTest extends ViewSetContract {
    @Override
    protected MemoryBackend createBackend() {
        return new NativeMachine(new NativeMachine.Settings(64L << 20, Path.of("/dev/shm")));
    }

    @Override
    protected void deactivate(MemoryBackend backend) {
        ((NativeMachine) backend).shutdown();
    }

    @Override
    protected ViewSet viewSetOf(ViewableSpace base) {
        return new SpaceViews(base, false);
    }

    @Override
    protected void closeViewSet(ViewSet set) {
        ((SpaceViews) set).close();
    }
}

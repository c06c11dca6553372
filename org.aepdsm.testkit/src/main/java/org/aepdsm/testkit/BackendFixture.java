package org.aepdsm.testkit;

import org.aepdsm.api.memory.MemoryBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A fresh, active backend per test. Subclasses say how to make one and how to
 * deactivate it (what a backend swap does to it).
 *
 * <p>The backend's node-0 frame pool must hold at least {@value #MIN_POOL_BYTES}
 * bytes and at most {@value #MAX_POOL_BYTES}, so that exhaustion tests stay quick.
 */
public abstract class BackendFixture {
    /** Smallest node-0 pool the contracts need. */
    public static final long MIN_POOL_BYTES = 16L << 20;
    /** Largest node-0 pool the contracts accept. */
    public static final long MAX_POOL_BYTES = 256L << 20;

    /** The backend under test, fresh for each test. */
    protected MemoryBackend backend;

    /** A new active backend. */
    protected abstract MemoryBackend createBackend();

    /** Deactivates the backend as a swap to another backend would; afterwards its objects are stale. */
    protected abstract void deactivate(MemoryBackend backend);

    @BeforeEach
    void startBackend() {
        backend = createBackend();
    }

    @AfterEach
    void stopBackend() {
        if (backend != null && backend.isActive()) {
            deactivate(backend);
        }
    }
}

package org.aepdsm.allocator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.BackendInfo;
import org.aepdsm.api.memory.Capability;
import org.aepdsm.api.memory.FramePool;
import org.aepdsm.api.memory.Isolation;
import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.api.memory.ProtectionDomain;
import org.aepdsm.api.memory.SharedPool;
import org.aepdsm.api.memory.SharedPoolSpec;

/** A backend offering only what the allocator uses: shared pools (kept by name) and a protection domain. */
final class TestBackend implements MemoryBackend {
    final TestDomain domain = new TestDomain();
    final List<TestPool> opened = new ArrayList<>();
    private final String id;
    private TestPool shared;
    private boolean active = true;

    TestBackend(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public BackendInfo info() {
        return new BackendInfo(id, "test backend", Set.of(Capability.SHARED_POOL), Isolation.NONE, Map.of());
    }

    @Override
    public int nodeCount() {
        return 1;
    }

    @Override
    public FramePool framePool(int node) {
        throw new AepException(Errno.EOPNOTSUPP, "test backend has no frame pools");
    }

    @Override
    public AddressSpace createAddressSpace(int node, long size) {
        throw new AepException(Errno.EOPNOTSUPP, "test backend has no address spaces");
    }

    @Override
    public Optional<AddressSpace> addressSpace(long id) {
        return Optional.empty();
    }

    @Override
    public List<AddressSpace> addressSpaces() {
        return List.of();
    }

    /** Attaching hands out a second view of the same memory, as a second process would map the same file. */
    @Override
    public synchronized SharedPool openSharedPool(SharedPoolSpec spec) {
        if (!active) {
            throw new AepException(Errno.ESTALE, "backend " + id + " is not active");
        }
        if (spec.attach()) {
            if (shared == null || !shared.isOpen()) {
                throw new AepException(Errno.ENOENT, "no pool named " + spec.name());
            }
            return new SharedView(shared);
        }
        shared = new TestPool(spec.name(), spec.size());
        opened.add(shared);
        return shared;
    }

    @Override
    public ProtectionDomain protectionDomain() {
        return domain;
    }

    @Override
    public boolean isActive() {
        return active;
    }

    /** Deactivation: every pool handed out becomes inaccessible. */
    synchronized void deactivate() {
        active = false;
        opened.forEach(TestPool::close);
    }

    private record SharedView(TestPool pool) implements SharedPool {
        @Override
        public String name() {
            return pool.name();
        }

        @Override
        public long size() {
            return pool.size();
        }

        @Override
        public boolean created() {
            return false;
        }

        @Override
        public java.lang.foreign.MemorySegment segment() {
            return pool.segment();
        }

        @Override
        public boolean isOpen() {
            return pool.isOpen();
        }

        @Override
        public void close() {
        }
    }
}

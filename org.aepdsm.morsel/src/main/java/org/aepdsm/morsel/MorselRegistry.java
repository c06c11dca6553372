package org.aepdsm.morsel;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.api.memory.SubtreeExport;
import org.aepdsm.api.memory.SubtreeSet;
import org.aepdsm.api.memory.SubtreeSupport;
import org.aepdsm.api.morsel.Morsel;
import org.aepdsm.api.morsel.MorselService;

/**
 * The morsels of one backend, by id (ids start at 1 and are never reused). A plain object; the
 * DS component {@link MorselServiceComponent} makes one per active backend. New morsels' leaves
 * allow reads and writes; a mapping's protection can narrow that per space.
 *
 * <p>Thread-safety: all methods may be called from any thread. Ownership: the registry owns its
 * morsels until they are destroyed.
 */
public final class MorselRegistry implements MorselService {
    private final MemoryBackend backend;
    private final ConcurrentSkipListMap<Long, ObjectMorsel> morsels = new ConcurrentSkipListMap<>();
    private final AtomicLong nextId = new AtomicLong(1);

    /** A registry over a backend that offers {@link MemoryBackend#subtrees()}. */
    public MorselRegistry(MemoryBackend backend) {
        this.backend = backend;
    }

    /** The backend the morsels live on. */
    public MemoryBackend backend() {
        return backend;
    }

    @Override
    public Morsel create(int node, long size) {
        SubtreeSupport support = backend.subtrees().orElseThrow(() -> new AepException(Errno.EOPNOTSUPP,
                "backend " + backend.id() + " cannot build page-table subtrees"));
        if (size <= 0 || size % (2L << 20) != 0) {
            throw new AepException(Errno.EINVAL, "morsel size " + size + " is not a positive multiple of 2 MiB");
        }
        SubtreeSet set = support.build(node, size, Protection.READ_WRITE);
        ObjectMorsel m = new ObjectMorsel(nextId.getAndIncrement(), set, this);
        morsels.put(m.id(), m);
        return m;
    }

    /** Attaches another process's exported morsel; its leaves allow reads and writes. */
    @Override
    public Morsel attach(SubtreeExport export) {
        SubtreeSupport support = backend.subtrees().orElseThrow(() -> new AepException(Errno.EOPNOTSUPP,
                "backend " + backend.id() + " cannot build page-table subtrees"));
        SubtreeSet set = support.attach(export, Protection.READ_WRITE);
        ObjectMorsel m = new ObjectMorsel(nextId.getAndIncrement(), set, this, true);
        morsels.put(m.id(), m);
        return m;
    }

    @Override
    public Optional<Morsel> find(long id) {
        return Optional.ofNullable(morsels.get(id));
    }

    /** The morsel with that id, or {@code ENOENT}. */
    ObjectMorsel require(long id) {
        ObjectMorsel m = morsels.get(id);
        if (m == null) {
            throw new AepException(Errno.ENOENT, "morsel " + id + " does not exist");
        }
        return m;
    }

    /** Every live morsel; morsels whose backend was shut down are dropped. */
    @Override
    public List<Morsel> list() {
        morsels.values().removeIf(m -> m.subtrees().isClosed());
        return List.copyOf(morsels.values());
    }

    void forget(ObjectMorsel m) {
        morsels.remove(m.id(), m);
    }
}

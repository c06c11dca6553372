package org.aepdsm.morsel;

import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.LinkCost;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.api.memory.SubtreeExport;
import org.aepdsm.api.memory.SubtreeSet;
import org.aepdsm.api.morsel.MappingCost;
import org.aepdsm.api.morsel.Morsel;
import org.aepdsm.api.morsel.SecondaryView;
import org.aepdsm.api.morsel.TranslationFormat;

/**
 * A morsel over a backend's {@link SubtreeSet}: the set holds the frames and the leader (AMD64)
 * subtrees; this class adds the id, the rules of the {@link Morsel} contract, timing, and the
 * secondary views that follow the leader.
 *
 * <p>Rules: a morsel is mapped at most once per space; an exported morsel is pinned (destroy and
 * resize are EBUSY until unexported); an attached morsel (another process's frames) detaches on destroy; map, unmap and transfer act on whole subtrees;
 * transfer links into the destination before unlinking from the source, so a refused transfer leaves
 * the morsel where it was; resize and destroy need it unmapped everywhere ({@code EBUSY}); every
 * change of leader entries ({@link #protect}, resize, destroy) invalidates the views' entries there.
 *
 * <p>Thread-safety: all methods may be called from any thread (one lock per morsel). Ownership: the
 * {@link MorselRegistry} that created it; {@link #destroy()} frees everything.
 */
final class ObjectMorsel implements Morsel {
    private final long id;
    private final SubtreeSet set;
    private final MorselRegistry registry;
    private final boolean attached;
    private final Map<AddressSpace, Protection> rights = new WeakHashMap<>();
    private EptView ept;
    private boolean destroyed;

    ObjectMorsel(long id, SubtreeSet set, MorselRegistry registry) {
        this(id, set, registry, false);
    }

    /** @param attached whether the set was attached from another process's export */
    ObjectMorsel(long id, SubtreeSet set, MorselRegistry registry, boolean attached) {
        this.id = id;
        this.set = set;
        this.registry = registry;
        this.attached = attached;
    }

    /** Whether its frames are another process's (made by {@link MorselRegistry#attach}). */
    boolean attached() {
        return attached;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public synchronized long size() {
        checkLive();
        return set.size();
    }

    /** The backend's subtrees (for reports). */
    SubtreeSet subtrees() {
        return set;
    }

    @Override
    public synchronized MappingCost map(AddressSpace space, long address, Protection protection) {
        checkLive();
        checkSpace(space, "map into");
        long t0 = System.nanoTime();
        LinkCost c = set.link(space, address, protection);
        rights.put(space, protection);
        return new MappingCost(c.entriesWritten(), c.tablesAllocated(), System.nanoTime() - t0);
    }

    @Override
    public synchronized MappingCost unmap(AddressSpace space) {
        checkLive();
        if (space == null) {
            throw new AepException(Errno.EINVAL, "address space is null");
        }
        if (set.linkAddress(space) < 0) {
            throw new AepException(Errno.EINVAL, "morsel " + id + " is not mapped in address space " + space.id());
        }
        long t0 = System.nanoTime();
        LinkCost c = set.unlink(space);
        rights.remove(space);
        return new MappingCost(c.entriesWritten(), 0, System.nanoTime() - t0);
    }

    @Override
    public synchronized MappingCost transfer(AddressSpace from, AddressSpace to, long address) {
        checkLive();
        if (from == null || to == null) {
            throw new AepException(Errno.EINVAL, "source and destination address spaces are required");
        }
        if (set.linkAddress(from) < 0) {
            throw new AepException(Errno.EINVAL, "morsel " + id + " is not mapped in address space " + from.id()
                    + ", the transfer's source");
        }
        if (from == to || from.id() == to.id()) {
            throw new AepException(Errno.EINVAL, "transfer source and destination are both address space "
                    + from.id());
        }
        checkSpace(to, "transfer into");
        long t0 = System.nanoTime();
        Protection p = rights.getOrDefault(from, Protection.READ_WRITE);
        LinkCost linked = set.link(to, address, p);
        LinkCost unlinked = set.unlink(from);
        rights.remove(from);
        rights.put(to, p);
        long nanos = System.nanoTime() - t0;
        return new MappingCost(linked.entriesWritten() + unlinked.entriesWritten(), linked.tablesAllocated(), nanos);
    }

    @Override
    public synchronized void resize(long newSize) {
        checkLive();
        set.resize(newSize);
        if (ept != null) {
            ept.resized(newSize);
        }
    }

    /**
     * Changes the leader's rights and protection key of a page range; every linked space sees it at
     * once, and the secondary views rebuild those entries on their next fault.
     */
    synchronized void protect(long offset, long length, Protection protection, int protectionKey) {
        checkLive();
        set.protect(offset, length, protection, protectionKey);
        if (ept != null) {
            ept.invalidate(offset, length);
        }
    }

    /** The leader entry of the page at {@code offset}. */
    synchronized long leaderEntry(long offset) {
        checkLive();
        return set.leaderEntry(offset);
    }

    @Override
    public synchronized List<Long> mappedIn() {
        checkLive();
        return set.linkedIn();
    }

    /** The address it is mapped at in a space, or -1. */
    synchronized long addressIn(AddressSpace space) {
        checkLive();
        return set.linkAddress(space);
    }

    @Override
    public synchronized SecondaryView secondaryView(TranslationFormat format) {
        checkLive();
        if (format != TranslationFormat.EPT) {
            throw new AepException(Errno.EINVAL, "format " + format + " is the leader's own; a secondary view is "
                    + TranslationFormat.EPT);
        }
        if (ept == null) {
            ept = new EptView(set);
        }
        return ept;
    }

    /** The EPT view if one was made. */
    synchronized EptView eptView() {
        return ept;
    }

    @Override
    public synchronized void destroy() {
        if (destroyed) {
            return;
        }
        if (!set.isClosed()) {
            List<Long> in = set.linkedIn();
            if (!in.isEmpty()) {
                throw new AepException(Errno.EBUSY, "morsel " + id + " is mapped in address space(s) " + in
                        + "; unmap it first");
            }
            set.close();
        }
        if (ept != null) {
            ept.close();
        }
        destroyed = true;
        registry.forget(this);
    }

    /** Exports the subtree set; destroy and resize are then EBUSY until {@link #unexport()}. */
    @Override
    public synchronized SubtreeExport export() {
        checkLive();
        return set.export();
    }

    @Override
    public synchronized void unexport() {
        checkLive();
        set.unexport();
    }

    @Override
    public long ownerProcess() {
        return set.ownerProcess();
    }

    /** Whether it is exported now. */
    synchronized boolean exported() {
        return !destroyed && set.exported();
    }

    synchronized boolean isDestroyed() {
        return destroyed;
    }

    private void checkSpace(AddressSpace space, String what) {
        if (space == null) {
            throw new AepException(Errno.EINVAL, "cannot " + what + " a null address space");
        }
        if (space.isClosed()) {
            throw new AepException(Errno.ESTALE, "cannot " + what + " address space " + space.id()
                    + ": it is closed");
        }
    }

    private void checkLive() {
        if (destroyed) {
            throw new AepException(Errno.ESTALE, "morsel " + id + " was destroyed");
        }
        if (set.isClosed()) {
            throw new AepException(Errno.ESTALE, "morsel " + id + " belongs to a backend that is no longer active");
        }
    }

    @Override
    public String toString() {
        return "morsel " + id;
    }
}

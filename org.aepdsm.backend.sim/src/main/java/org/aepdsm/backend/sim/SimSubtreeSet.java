package org.aepdsm.backend.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.FrameRun;
import org.aepdsm.api.memory.LinkCost;
import org.aepdsm.api.memory.MapMode;
import org.aepdsm.api.memory.Mapping;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.api.memory.SubtreeSet;
import org.aepdsm.backend.sim.paging.ObjectTables;
import org.aepdsm.backend.sim.paging.Pte;

/**
 * A morsel's frames and subtrees on the simulated machine: 2 MiB chunks of frames (order-9
 * blocks of the node's pool, or chunks of the {@link SparseBank} when the object is larger than
 * the node's free memory) and their {@link ObjectTables}.
 *
 * <pre>
 *   chunk c  --frames-->  chunkAddress[c] .. +2 MiB     (pinned pool block or sparse chunk)
 *            --PT----->   tables.chunkTable(c)          512 leaves, built once
 *   links:   space -> address   (a space links the set at most once)
 * </pre>
 *
 * <p>Invariants: the set is linked or populated in a space exactly while that space's
 * {@link SimAddressSpace} holds a morsel range for it; frames and tables are freed only when no
 * open space links the set; leaf rewrites are followed by a shootdown in every linked space.
 *
 * <p>Thread-safety: all methods may be called from any thread (one lock per set, taken before a
 * space's lock). Ownership: the creator owns the set; the set owns its frames and tables.
 */
final class SimSubtreeSet implements SubtreeSet {
    private static final long GIB = 1L << 30;

    private final SimMachine machine;
    private final int node;
    private final boolean sparse;
    private final ObjectTables tables;
    private final long leafFlags;
    private final Map<SimAddressSpace, Long> links = new LinkedHashMap<>();
    private long[] chunkAddress = new long[16];
    private boolean closed;

    SimSubtreeSet(SimMachine machine, int node, boolean sparse, Protection protection) {
        this.machine = machine;
        this.node = node;
        this.sparse = sparse;
        this.tables = new ObjectTables(machine.memory(), machine.zone(node));
        this.leafFlags = SimAddressSpace.leafFlags(protection, PageSize.SIZE_4K, false, false);
    }

    /** Adds chunks until the set has {@code count}; on failure frees what this call added and rethrows. */
    void grow(int count) {
        int start = tables.chunks();
        try {
            while (tables.chunks() < count) {
                long pa = allocateChunk();
                try {
                    tables.append(pa, leafFlags);
                } catch (RuntimeException e) {
                    freeChunk(pa);
                    throw e;
                }
                if (tables.chunks() > chunkAddress.length) {
                    chunkAddress = Arrays.copyOf(chunkAddress, chunkAddress.length * 2);
                }
                chunkAddress[tables.chunks() - 1] = pa;
            }
        } catch (RuntimeException e) {
            shrink(start);
            throw e;
        }
    }

    private long allocateChunk() {
        if (sparse) {
            return machine.sparseBank().allocate();
        }
        SimFramePool pool = machine.dram(node);
        return pool.addressOf(pool.allocatePinned(PageSize.SIZE_2M.order()));
    }

    private void freeChunk(long pa) {
        if (sparse) {
            machine.sparseBank().free(pa);
        } else {
            SimFramePool pool = machine.dram(node);
            pool.freePinned(SimMachine.frameIn(pool, pa), PageSize.SIZE_2M.order());
        }
    }

    private void shrink(int keep) {
        int had = tables.chunks();
        tables.truncate(keep);
        for (int c = keep; c < had; c++) {
            freeChunk(chunkAddress[c]);
            chunkAddress[c] = 0;
        }
    }

    @Override
    public synchronized long size() {
        return (long) tables.chunks() * ObjectTables.CHUNK_BYTES;
    }

    @Override
    public int node() {
        return node;
    }

    @Override
    public synchronized long alignment() {
        return tables.gigabytes() > 0 ? GIB : ObjectTables.CHUNK_BYTES;
    }

    @Override
    public synchronized long gigabyteSubtrees() {
        return tables.gigabytes();
    }

    @Override
    public synchronized long megabyteSubtrees() {
        return tables.tailChunks();
    }

    @Override
    public synchronized long tablePages() {
        return tables.tablePages();
    }

    @Override
    public synchronized long entriesBuilt() {
        return tables.entriesBuilt();
    }

    @Override
    public boolean sparseFrames() {
        return sparse;
    }

    @Override
    public synchronized List<FrameRun> frameRuns() {
        checkUsable();
        if (sparse) {
            return List.of();
        }
        SimFramePool pool = machine.dram(node);
        List<FrameRun> out = new ArrayList<>();
        long first = -1;
        long count = 0;
        for (int c = 0; c < tables.chunks(); c++) {
            long f = SimMachine.frameIn(pool, chunkAddress[c]);
            if (first >= 0 && f == first + count) {
                count += PageSize.SIZE_2M.frames();
            } else {
                if (first >= 0) {
                    out.add(new FrameRun(first, count));
                }
                first = f;
                count = PageSize.SIZE_2M.frames();
            }
        }
        if (first >= 0) {
            out.add(new FrameRun(first, count));
        }
        return List.copyOf(out);
    }

    @Override
    public synchronized LinkCost link(AddressSpace space, long address, Protection protection) {
        SimAddressSpace s = checkLinkable(space, address, protection);
        int gigs = tables.gigabytes();
        int tail = tables.tailChunks();
        long[] offsets = new long[gigs + tail];
        int[] levels = new int[gigs + tail];
        long[] roots = new long[gigs + tail];
        for (int g = 0; g < gigs; g++) {
            offsets[g] = g * GIB;
            levels[g] = 3;
            roots[g] = tables.gigabyteTable(g);
        }
        for (int t = 0; t < tail; t++) {
            int c = gigs * ObjectTables.CHUNKS_PER_GIB + t;
            offsets[gigs + t] = c * ObjectTables.CHUNK_BYTES;
            levels[gigs + t] = 2;
            roots[gigs + t] = tables.chunkTable(c);
        }
        LinkCost cost = s.linkTables(address, size(), protection, offsets, levels, roots, parts(address, protection));
        links.put(s, address);
        return cost;
    }

    @Override
    public synchronized LinkCost populate(AddressSpace space, long address, Protection protection) {
        SimAddressSpace s = checkLinkable(space, address, protection);
        LinkCost cost = s.populateFrames(address, size(), protection,
                Arrays.copyOf(chunkAddress, tables.chunks()), parts(address, protection));
        links.put(s, address);
        return cost;
    }

    @Override
    public synchronized LinkCost unlink(AddressSpace space) {
        checkUsable();
        Long address = space instanceof SimAddressSpace s ? links.get(s) : null;
        if (address == null) {
            throw new AepException(Errno.EINVAL, "the object is not mapped in address space "
                    + (space == null ? "null" : String.valueOf(space.id())));
        }
        SimAddressSpace s = (SimAddressSpace) space;
        links.remove(s);
        LinkCost cost = s.unlinkAt(address);
        return cost == null ? LinkCost.NONE : cost;
    }

    @Override
    public synchronized List<Long> linkedIn() {
        prune();
        return links.keySet().stream().map(SimAddressSpace::id).toList();
    }

    @Override
    public synchronized long linkAddress(AddressSpace space) {
        prune();
        Long a = space instanceof SimAddressSpace s ? links.get(s) : null;
        return a == null ? -1 : a;
    }

    @Override
    public synchronized long leaderEntry(long offset) {
        checkUsable();
        checkOffset(offset, PageSize.FRAME_BYTES);
        return tables.leaf(offset);
    }

    @Override
    public synchronized void protect(long offset, long length, Protection protection, int protectionKey) {
        checkUsable();
        checkOffset(offset, length);
        if (protection == null) {
            throw new AepException(Errno.EINVAL, "protection is required");
        }
        if (protectionKey < 0 || protectionKey > 15) {
            throw new AepException(Errno.EINVAL, "protection key " + protectionKey + " is outside 0..15");
        }
        long rights = SimAddressSpace.leafFlags(protection, PageSize.SIZE_4K, false, false)
                | ((long) protectionKey << Pte.PKEY_SHIFT);
        long keep = Pte.PFN_MASK | Pte.A | Pte.D;
        tables.rewrite(offset, length, e -> e == 0 ? 0 : (e & keep) | rights);
        prune();
        for (Map.Entry<SimAddressSpace, Long> l : links.entrySet()) {
            l.getKey().shootdown(l.getValue() + offset, length);
        }
    }

    @Override
    public synchronized void resize(long newSize) {
        checkUsable();
        checkSize(newSize);
        prune();
        if (!links.isEmpty()) {
            throw new AepException(Errno.EBUSY, "the object is mapped in address space(s) " + linkedIds()
                    + "; unmap it before resizing");
        }
        int count = (int) (newSize / ObjectTables.CHUNK_BYTES);
        if (count > tables.chunks()) {
            if (!sparse && machine.dram(node).freeFrames() < (count - tables.chunks()) * PageSize.SIZE_2M.frames()) {
                throw new AepException(Errno.ENOMEM, "growing to " + newSize + " bytes needs "
                        + (count - tables.chunks()) * PageSize.SIZE_2M.frames() + " frames; node " + node + " has "
                        + machine.dram(node).freeFrames() + " free");
            }
            grow(count);
        } else {
            shrink(count);
        }
    }

    @Override
    public synchronized boolean isClosed() {
        return closed || !machine.isActive();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        if (!machine.isActive()) {
            closed = true;
            return;
        }
        prune();
        if (!links.isEmpty()) {
            throw new AepException(Errno.EBUSY, "the object is mapped in address space(s) " + linkedIds()
                    + "; unmap it before freeing it");
        }
        shrink(0);
        closed = true;
    }

    static void checkSize(long size) {
        if (size <= 0 || size % ObjectTables.CHUNK_BYTES != 0) {
            throw new AepException(Errno.EINVAL, "size " + size + " is not a positive multiple of 2 MiB");
        }
        if (size / ObjectTables.CHUNK_BYTES > Integer.MAX_VALUE / 2) {
            throw new AepException(Errno.EINVAL, "size " + size + " is too large");
        }
    }

    private SimAddressSpace checkLinkable(AddressSpace space, long address, Protection protection) {
        checkUsable();
        if (!(space instanceof SimAddressSpace s) || s.machine() != machine) {
            throw new AepException(Errno.EINVAL, "address space " + space + " does not belong to this sim backend");
        }
        if (s.isClosed()) {
            throw new AepException(Errno.ESTALE, "address space " + s.id() + " is closed");
        }
        if (protection == null || protection == Protection.NONE) {
            throw new AepException(Errno.EINVAL, "protection " + protection + " cannot map an object");
        }
        prune();
        Long at = links.get(s);
        if (at != null) {
            throw new AepException(Errno.EBUSY, "the object is already mapped in address space " + s.id() + " at 0x"
                    + Long.toHexString(at));
        }
        long align = alignment();
        if ((address & (align - 1)) != 0) {
            throw new AepException(Errno.EINVAL, "address 0x" + Long.toHexString(address) + " is not aligned to "
                    + align + " (the object has " + (align == GIB ? "1 GiB" : "2 MiB") + " subtrees)");
        }
        return s;
    }

    private List<Mapping> parts(long address, Protection protection) {
        if (sparse) {
            return List.of(new Mapping(address, size(), -1, PageSize.SIZE_4K, protection, MapMode.SHARED));
        }
        List<Mapping> out = new ArrayList<>();
        long va = address;
        for (FrameRun r : frameRuns()) {
            out.add(new Mapping(va, r.count() * PageSize.FRAME_BYTES, r.first(), PageSize.SIZE_4K, protection,
                    MapMode.SHARED));
            va += r.count() * PageSize.FRAME_BYTES;
        }
        return List.copyOf(out);
    }

    private void prune() {
        links.keySet().removeIf(SimAddressSpace::isClosed);
    }

    private String linkedIds() {
        return links.keySet().stream().map(s -> String.valueOf(s.id())).toList().toString();
    }

    private void checkOffset(long offset, long length) {
        long size = size();
        if (offset < 0 || (offset & (PageSize.FRAME_BYTES - 1)) != 0 || length <= 0
                || (length & (PageSize.FRAME_BYTES - 1)) != 0 || offset >= size || length > size - offset) {
            throw new AepException(Errno.EINVAL, "range 0x" + Long.toHexString(offset) + "+" + length
                    + " is not 4096-aligned inside the object of " + size + " bytes");
        }
    }

    private void checkUsable() {
        if (!machine.isActive()) {
            throw new AepException(Errno.ESTALE, "the object belongs to a sim backend that is no longer active");
        }
        if (closed) {
            throw new AepException(Errno.ESTALE, "the object was freed");
        }
    }
}

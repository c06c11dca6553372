package org.aepdsm.backend.os;

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
import org.aepdsm.api.memory.SubtreeExport;
import org.aepdsm.api.memory.SubtreeSet;

/**
 * A morsel on the real machine: 2 MiB blocks of the pool file. The kernel owns the page tables,
 * so a link is one {@code mmap MAP_SHARED|MAP_FIXED} of the pool file per contiguous run of blocks
 * (one run for a fresh pool), and the kernel fills its page-table entries on first touch; the
 * page-by-page baseline is the same {@code mmap} with {@code MAP_POPULATE}.
 *
 * <pre>
 *   chunk c  ->  pool frames chunkFrame[c] .. +512     (an order-9 block)
 *   runs     =   maximal sequences of chunks with adjacent frames  ->  one mmap each
 *   leader   =   the entry the kernel would hold: PFN = pool frame, P, US, RW, NX, pkey from `rights`
 * </pre>
 *
 * <p>The leader entries are a model: the kernel's own entries are not readable, and protection keys
 * set through {@link #protect} are kept in the model only (the object's mappings are not keyed);
 * rights are applied to every linked mapping with {@code mprotect}.
 *
 * <p>Other processes: {@link #export()} names the blocks as runs of the pool file reached through
 * {@code /proc/<pid>/fd/<n>} and pins the set (close and resize are EBUSY until {@link #unexport()}),
 * since the pool would otherwise hand the frames to someone else while another process maps them. A
 * set made by {@link #attached} is the other side: its pool is a borrowed view of the exporter's pool
 * file in which only the exported blocks exist, so it links with the same one {@code mmap} per run;
 * it never frees or resizes them, and closing it closes only the borrowed pool.
 *
 * <p>Thread-safety: all methods may be called from any thread (one lock per set). Ownership: the
 * creator owns the set; the set owns its blocks (a borrowed set owns its borrowed pool).
 */
final class NativeSubtreeSet implements SubtreeSet {
    static final long CHUNK_BYTES = PageSize.SIZE_2M.bytes();
    private static final long GIB = 1L << 30;
    private static final long P = 1L;
    private static final long RW = 1L << 1;
    private static final long US = 1L << 2;
    private static final long NX = 1L << 63;
    private static final int PKEY_SHIFT = 59;

    private final NativeMachine machine;
    private final NativeFramePool pool;
    private final Protection initial;
    /** The exporting process of an attached set, or -1 for a set built here. */
    private final long lender;
    private final Map<NativeAddressSpace, Long> links = new LinkedHashMap<>();
    private long[] chunkFrame = new long[16];
    private int chunks;
    /** Per 4 KiB page: the leader's rights and key as entry bits (P, RW, NX, pkey); null until a protect. */
    private long[] rights;
    /** Non-null while exported (pinned). */
    private SubtreeExport export;
    private boolean closed;

    NativeSubtreeSet(NativeMachine machine, NativeFramePool pool, Protection initial) {
        this(machine, pool, initial, -1);
    }

    private NativeSubtreeSet(NativeMachine machine, NativeFramePool pool, Protection initial, long lender) {
        this.machine = machine;
        this.pool = pool;
        this.initial = initial;
        this.lender = lender;
    }

    /**
     * The set over the blocks of {@code runs} in a borrowed pool (see {@link NativeFramePool#borrowed});
     * the runs are whole, aligned 2 MiB blocks (checked by the caller).
     */
    static NativeSubtreeSet attached(NativeMachine machine, NativeFramePool borrowed, List<FrameRun> runs,
            Protection protection, long lender) {
        NativeSubtreeSet set = new NativeSubtreeSet(machine, borrowed, protection, lender);
        for (FrameRun r : runs) {
            for (long f = r.first(); f < r.end(); f += 512) {
                if (set.chunks == set.chunkFrame.length) {
                    set.chunkFrame = Arrays.copyOf(set.chunkFrame, set.chunks * 2);
                }
                set.chunkFrame[set.chunks++] = f;
            }
        }
        return set;
    }

    static void checkSize(long size) {
        if (size <= 0 || size % CHUNK_BYTES != 0 || size / CHUNK_BYTES > Integer.MAX_VALUE / 1024) {
            throw new AepException(Errno.EINVAL, "size " + size + " is not a positive multiple of 2 MiB");
        }
    }

    /** Adds chunks up to {@code count}; on failure frees what this call added and rethrows. */
    void grow(int count) {
        int start = chunks;
        try {
            while (chunks < count) {
                long f = pool.allocate(PageSize.SIZE_2M.order());
                if (chunks == chunkFrame.length) {
                    chunkFrame = Arrays.copyOf(chunkFrame, chunks * 2);
                }
                chunkFrame[chunks++] = f;
            }
        } catch (RuntimeException e) {
            shrink(start);
            throw e;
        }
        if (rights != null) {
            int had = rights.length;
            rights = Arrays.copyOf(rights, chunks * 512);
            Arrays.fill(rights, had, rights.length, bits(initial, 0));
        }
    }

    private void shrink(int keep) {
        while (chunks > keep) {
            pool.free(chunkFrame[--chunks], PageSize.SIZE_2M.order());
        }
        if (rights != null) {
            rights = Arrays.copyOf(rights, chunks * 512);
        }
    }

    @Override
    public synchronized long size() {
        return chunks * CHUNK_BYTES;
    }

    @Override
    public int node() {
        return 0;
    }

    @Override
    public synchronized long alignment() {
        return size() >= GIB ? GIB : CHUNK_BYTES;
    }

    @Override
    public synchronized long gigabyteSubtrees() {
        return size() / GIB;
    }

    @Override
    public synchronized long megabyteSubtrees() {
        return size() % GIB / CHUNK_BYTES;
    }

    @Override
    public long tablePages() {
        return 0;
    }

    @Override
    public long entriesBuilt() {
        return 0;
    }

    @Override
    public boolean sparseFrames() {
        return false;
    }

    @Override
    public synchronized List<FrameRun> frameRuns() {
        checkUsable();
        List<FrameRun> out = new ArrayList<>();
        long first = -1;
        long count = 0;
        for (int c = 0; c < chunks; c++) {
            if (first >= 0 && chunkFrame[c] == first + count) {
                count += 512;
            } else {
                if (first >= 0) {
                    out.add(new FrameRun(first, count));
                }
                first = chunkFrame[c];
                count = 512;
            }
        }
        if (first >= 0) {
            out.add(new FrameRun(first, count));
        }
        return List.copyOf(out);
    }

    @Override
    public synchronized LinkCost link(AddressSpace space, long address, Protection protection) {
        return map(space, address, protection, false);
    }

    @Override
    public synchronized LinkCost populate(AddressSpace space, long address, Protection protection) {
        return map(space, address, protection, true);
    }

    private LinkCost map(AddressSpace space, long address, Protection protection, boolean populate) {
        NativeAddressSpace s = checkLinkable(space, address, protection);
        long size = size();
        if (address < s.base() || address >= s.limit() || size > s.limit() - address) {
            throw new AepException(Errno.EINVAL, "range 0x" + Long.toHexString(address) + "+" + size
                    + " leaves address space " + s.id());
        }
        for (Mapping m : s.mappings()) {
            if (m.start() < address + size && m.end() > address) {
                throw new AepException(Errno.EEXIST, "range 0x" + Long.toHexString(address) + "+" + size
                        + " overlaps the mapping at 0x" + Long.toHexString(m.start()) + "+" + m.length());
            }
        }
        List<FrameRun> runs = frameRuns();
        long va = address;
        int done = 0;
        try {
            for (FrameRun r : runs) {
                s.map(va, r.count() * PageSize.FRAME_BYTES, pool, r.first(), PageSize.SIZE_2M, protection,
                        MapMode.SHARED, populate);
                va += r.count() * PageSize.FRAME_BYTES;
                done++;
            }
        } catch (AepException e) {
            if (done > 0) {
                s.unmap(address, va - address);
            }
            throw e;
        }
        links.put(s, address);
        long pages = populate ? size / PageSize.FRAME_BYTES : 0;
        return new LinkCost(pages, 0, 0, runs.size());
    }

    @Override
    public synchronized LinkCost unlink(AddressSpace space) {
        checkUsable();
        Long address = space instanceof NativeAddressSpace s ? links.get(s) : null;
        if (address == null) {
            throw new AepException(Errno.EINVAL, "the object is not mapped in address space "
                    + (space == null ? "null" : String.valueOf(space.id())));
        }
        NativeAddressSpace s = (NativeAddressSpace) space;
        links.remove(s);
        if (s.isClosed()) {
            return LinkCost.NONE;
        }
        s.unmap(address, size());
        return new LinkCost(0, 0, 0, frameRuns().size());
    }

    @Override
    public synchronized List<Long> linkedIn() {
        prune();
        return links.keySet().stream().map(NativeAddressSpace::id).toList();
    }

    @Override
    public synchronized long linkAddress(AddressSpace space) {
        prune();
        Long a = space instanceof NativeAddressSpace s ? links.get(s) : null;
        return a == null ? -1 : a;
    }

    @Override
    public synchronized long leaderEntry(long offset) {
        checkUsable();
        checkOffset(offset, PageSize.FRAME_BYTES);
        int page = (int) (offset >>> 12);
        long frame = chunkFrame[page >>> 9] + (page & 511);
        return (frame << 12) | US | (rights == null ? bits(initial, 0) : rights[page]);
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
        prune();
        for (Map.Entry<NativeAddressSpace, Long> l : links.entrySet()) {
            l.getKey().protect(l.getValue() + offset, length, protection);
        }
        if (rights == null) {
            rights = new long[chunks * 512];
            Arrays.fill(rights, bits(initial, 0));
        }
        Arrays.fill(rights, (int) (offset >>> 12), (int) ((offset + length) >>> 12), bits(protection, protectionKey));
    }

    private static long bits(Protection p, int key) {
        long b = ((long) key << PKEY_SHIFT) | (p.canExecute() ? 0 : NX);
        if (p != Protection.NONE) {
            b |= P | (p.canWrite() ? RW : 0);
        }
        return b;
    }

    @Override
    public synchronized void resize(long newSize) {
        checkUsable();
        checkSize(newSize);
        if (lender >= 0) {
            throw new AepException(Errno.EPERM, "the object's frames belong to process " + lender
                    + "; only that process resizes it");
        }
        checkNotExported("resizing");
        prune();
        if (!links.isEmpty()) {
            throw new AepException(Errno.EBUSY, "the object is mapped in address space(s) " + linkedIds()
                    + "; unmap it before resizing");
        }
        int count = (int) (newSize / CHUNK_BYTES);
        if (count > chunks) {
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
        checkNotExported("freeing");
        if (lender >= 0) {
            chunks = 0;
            machine.forgetBorrowed(pool);
            pool.close();
        } else {
            shrink(0);
        }
        closed = true;
    }

    @Override
    public synchronized SubtreeExport export() {
        checkUsable();
        if (export == null) {
            export = new SubtreeExport(pool.file().processPath(), frameRuns());
        }
        return export;
    }

    @Override
    public synchronized void unexport() {
        checkUsable();
        export = null;
    }

    @Override
    public synchronized boolean exported() {
        return export != null && !isClosed();
    }

    @Override
    public long ownerProcess() {
        return lender >= 0 ? lender : ProcessHandle.current().pid();
    }

    /** The pool the frames are in (a borrowed pool for an attached set). */
    NativeFramePool frameRunsPool() {
        return pool;
    }

    private void checkNotExported(String what) {
        if (export != null) {
            throw new AepException(Errno.EBUSY, "the object is exported to other processes as " + export.handle()
                    + "; unexport it before " + what + " it");
        }
    }

    private NativeAddressSpace checkLinkable(AddressSpace space, long address, Protection protection) {
        checkUsable();
        if (!(space instanceof NativeAddressSpace s)) {
            throw new AepException(Errno.EINVAL, "address space " + space + " does not belong to this native backend");
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
                    + align);
        }
        return s;
    }

    private void prune() {
        links.keySet().removeIf(NativeAddressSpace::isClosed);
    }

    private String linkedIds() {
        return links.keySet().stream().map(s -> String.valueOf(s.id())).toList().toString();
    }

    private void checkOffset(long offset, long length) {
        long size = size();
        if (offset < 0 || (offset & 4095) != 0 || length <= 0 || (length & 4095) != 0 || offset >= size
                || length > size - offset) {
            throw new AepException(Errno.EINVAL, "range 0x" + Long.toHexString(offset) + "+" + length
                    + " is not 4096-aligned inside the object of " + size + " bytes");
        }
    }

    private void checkUsable() {
        if (!machine.isActive()) {
            throw new AepException(Errno.ESTALE, "the object belongs to a native backend that is no longer active");
        }
        if (closed) {
            throw new AepException(Errno.ESTALE, "the object was freed");
        }
    }
}

package org.aepdsm.backend.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AccessStats;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.Fault;
import org.aepdsm.api.memory.FaultHandler;
import org.aepdsm.api.memory.FaultKind;
import org.aepdsm.api.memory.FramePool;
import org.aepdsm.api.memory.LinkCost;
import org.aepdsm.api.memory.MapMode;
import org.aepdsm.api.memory.Mapping;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.api.memory.Translation;
import org.aepdsm.api.memory.ViewableSpace;
import org.aepdsm.api.paging.PageMap;
import org.aepdsm.api.paging.PlacementPolicy;
import org.aepdsm.backend.sim.frame.ContiguityPlacement;
import org.aepdsm.backend.sim.paging.PageTable;
import org.aepdsm.backend.sim.paging.Pte;
import org.aepdsm.backend.sim.paging.Tlb;
import org.aepdsm.backend.sim.phys.PhysicalMemory;

/**
 * A simulated process address space: a list of VMAs on the Java side and a real x86-64 page
 * table in the node's simulated memory, reached through a TLB model.
 *
 * <pre>
 *   access(va) --TLB hit--------------------------------------------+--> physical bytes
 *              --TLB miss--> PageTable.walk (1 reference per level) -+
 *                              | leaf not present / RW clear on store
 *                              v
 *                            fault: FaultHandler first (no lock held), then
 *                                   demand fill | copy-on-write | EFAULT | EACCES
 * </pre>
 *
 * <p>Invariants: every leaf entry lies inside exactly one VMA; VMAs do not overlap; a VMA with
 * given frames has all its leaves installed at map time, an on-demand VMA gets them on first
 * touch; a leaf's frame is pinned in its pool (map count) while the leaf exists; frames the
 * space allocated (demand fills, copies) carry {@link Pte#SW_OWNED} and are freed with the leaf;
 * the TLB holds only entries that are still in the table (every change of a leaf is followed by
 * a shootdown of its range). Translation always walks the table; the VMA list only answers
 * what the table cannot: the logical rights of a copy-on-write page and whether a missing
 * page may be filled on demand.
 *
 * <p>Cost model: each load or store counts one access and one TLB lookup per page it touches,
 * a miss adds the walk's entry reads at {@link LatencyModel#walkReferenceNs()} each, and every
 * page touched adds the latency of its memory (local DRAM, remote DRAM, CXL). Setting a dirty
 * bit the TLB entry lacks walks again, as the hardware's assist does.
 *
 * <p>Thread-safety: every method may be called from any thread. One lock per space serialises
 * mapping changes, faults and accesses (correctness over speed); the fault handler runs without
 * it. Loads and stores that hit allocate nothing. Ownership: see {@link AddressSpace}.
 *
 * <p>Views: the members of a {@link SimViewGroup} share this lock and the VMA list, and their
 * page tables share every table the group does not keep private; each mapping change and each
 * fault that changes a leaf is handed to the group, which brings the other members' private
 * tables in line. A space without views is a group of one.
 */
final class SimAddressSpace implements ViewableSpace {
    private static final int HANDLER_ATTEMPTS = 64;
    private static final long NO_FAULT = -1;

    private final SimMachine machine;
    private final PhysicalMemory memory;
    private final long id;
    private final int node;
    private final long base;
    private final long limit;
    private final Object lock;
    private final TreeMap<Long, Vma> vmas;
    private final SimViewGroup group;
    private final TreeMap<Long, Link> links = new TreeMap<>();
    private final PageTable table;
    private final Tlb tlb;
    private final long[] bankNanos;
    private final long walkReferenceNs;
    private volatile boolean closed;
    private volatile FaultHandler handler;
    /** Contiguity-aware placement while that policy is chosen, null for the buddy allocator (the default). */
    private volatile ContiguityPlacement placement;

    private long accesses;
    private long tlbHits;
    private long tlbMisses;
    private long walkReferences;
    private long faults;
    private long copyOnWrites;
    private long nanos;
    private int resolvedShift;

    /** One VMA; {@code pool} is null for memory filled on demand. */
    private record Vma(long start, long length, SimFramePool pool, long firstFrame, PageSize pageSize,
            Protection protection, MapMode mode) {
        long end() {
            return start + length;
        }

        boolean onDemand() {
            return pool == null;
        }

        Vma slice(long from, long to, Protection p) {
            long frame = onDemand() ? -1 : firstFrame + (from - start) / PageSize.FRAME_BYTES;
            return new Vma(from, to - from, pool, frame, pageSize, p, mode);
        }

        Mapping toMapping() {
            return new Mapping(start, length, firstFrame, pageSize, protection, mode);
        }
    }

    /**
     * A morsel's range (see {@link SimSubtreeSet}): its subtrees linked, one entry per subtree at
     * {@code start + offsets[i]} on {@code levels[i]}, or its frames populated page by page. The
     * morsel owns the frames, and in the linked case the tables below the link entries.
     */
    private record Link(long start, long length, Protection protection, boolean populated, long[] offsets,
            int[] levels, List<Mapping> parts) {
        long end() {
            return start + length;
        }
    }

    SimAddressSpace(SimMachine machine, long id, int node, long base, long limit) {
        this(machine, id, node, base, limit, new Object(), new TreeMap<>(), new SimViewGroup(machine));
        group.join(this);
    }

    private SimAddressSpace(SimMachine machine, long id, int node, long base, long limit, Object lock,
            TreeMap<Long, Vma> vmas, SimViewGroup group) {
        this.lock = lock;
        this.vmas = vmas;
        this.group = group;
        this.machine = machine;
        this.memory = machine.memory();
        this.id = id;
        this.node = node;
        this.base = base;
        this.limit = limit;
        this.table = new PageTable(memory, machine.zone(node));
        this.tlb = new Tlb(machine.config().tlb());
        LatencyModel lat = machine.config().latency();
        this.bankNanos = new long[memory.bankCount()];
        for (int b = 0; b < bankNanos.length; b++) {
            bankNanos[b] = machine.isCxlBank(b) ? lat.cxlNs() : b == node ? lat.localDramNs() : lat.remoteDramNs();
        }
        this.walkReferenceNs = lat.walkReferenceNs();
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public int node() {
        return node;
    }

    @Override
    public long base() {
        return base;
    }

    @Override
    public long limit() {
        return limit;
    }

    // ---------------------------------------------------------------- mapping changes

    @Override
    public void map(long address, long length, FramePool pool, long firstFrame, PageSize pageSize,
            Protection protection, MapMode mode) {
        synchronized (lock) {
            checkUsable();
            checkRange(address, length, pageSize);
            if (protection == null || mode == null) {
                throw new AepException(Errno.EINVAL, "protection and mode are required");
            }
            if (!(pool instanceof SimFramePool p) || p.machine() != machine) {
                throw new AepException(Errno.EINVAL, "frame pool " + pool + " does not belong to this sim backend");
            }
            checkFree(address, length);
            long frames = length / PageSize.FRAME_BYTES;
            if (firstFrame < 0 || firstFrame >= p.frameCount() || frames > p.frameCount() - firstFrame) {
                throw new AepException(Errno.EINVAL, "frames " + firstFrame + "+" + frames + " leave " + p.name()
                        + " of " + p.frameCount() + " frames");
            }
            if ((firstFrame & (pageSize.frames() - 1)) != 0) {
                throw new AepException(Errno.EINVAL, "frame " + firstFrame + " is not aligned to a " + pageSize
                        + " page (" + pageSize.frames() + " frames)");
            }
            p.pin(firstFrame, frames);
            boolean cow = mode == MapMode.COPY_ON_WRITE;
            long flags = leafFlags(protection, pageSize, cow, false);
            int level = levelOf(pageSize);
            long va = address;
            try {
                for (long f = firstFrame; va < address + length; va += pageSize.bytes(), f += pageSize.frames()) {
                    table.install(va, level, p.addressOf(f) | flags);
                }
            } catch (AepException e) {
                table.clear(address, va, null);
                p.unpin(firstFrame, frames);
                throw new AepException(e.errno(), "mapping 0x" + Long.toHexString(address) + "+" + length
                        + " failed: " + e.getMessage(), e);
            }
            vmas.put(address, new Vma(address, length, p, firstFrame, pageSize, protection, mode));
            group.mapped(this, address, address + length);
        }
    }

    @Override
    public void mapOnDemand(long address, long length, PageSize pageSize, Protection protection) {
        synchronized (lock) {
            checkUsable();
            checkRange(address, length, pageSize);
            if (protection == null) {
                throw new AepException(Errno.EINVAL, "protection is required");
            }
            checkFree(address, length);
            vmas.put(address, new Vma(address, length, null, -1, pageSize, protection, MapMode.SHARED));
        }
    }

    @Override
    public void unmap(long address, long length) {
        synchronized (lock) {
            checkUsable();
            checkRange(address, length, PageSize.SIZE_4K);
            long end = address + length;
            checkNoLink(address, end, "unmap");
            List<Vma> hit = overlapping(address, end);
            checkNoSplit(hit, address, end, "unmap");
            table.clear(address, end, this::release);
            if (placement != null) {
                placement.forget(address >>> 12, end >>> 12);
            }
            for (Vma v : hit) {
                vmas.remove(v.start());
                if (v.start() < address) {
                    vmas.put(v.start(), v.slice(v.start(), address, v.protection()));
                }
                if (v.end() > end) {
                    vmas.put(end, v.slice(end, v.end(), v.protection()));
                }
            }
            tlb.invalidate(address, end);
            group.unmapped(this, address, end);
        }
    }

    @Override
    public void protect(long address, long length, Protection protection) {
        synchronized (lock) {
            checkUsable();
            checkRange(address, length, PageSize.SIZE_4K);
            if (protection == null) {
                throw new AepException(Errno.EINVAL, "protection is required");
            }
            long end = address + length;
            checkNoLink(address, end, "protect");
            List<Vma> hit = overlapping(address, end);
            long covered = address;
            for (Vma v : hit) {
                if (v.start() > covered) {
                    break;
                }
                covered = v.end();
            }
            if (covered < end) {
                throw new AepException(Errno.ENOMEM, "address 0x" + Long.toHexString(covered)
                        + " in the range 0x" + Long.toHexString(address) + "+" + length + " is not mapped");
            }
            checkNoSplit(hit, address, end, "protect");
            table.update(address, end, e -> reprotect(e, protection));
            for (Vma v : hit) {
                vmas.remove(v.start());
                long lo = Math.max(v.start(), address);
                long hi = Math.min(v.end(), end);
                if (v.start() < lo) {
                    vmas.put(v.start(), v.slice(v.start(), lo, v.protection()));
                }
                vmas.put(lo, v.slice(lo, hi, protection));
                if (v.end() > hi) {
                    vmas.put(hi, v.slice(hi, v.end(), v.protection()));
                }
            }
            tlb.invalidate(address, end);
            group.reprotected(this, address, end, protection);
        }
    }

    @Override
    public List<Mapping> mappings() {
        synchronized (lock) {
            checkUsable();
            List<Mapping> out = new ArrayList<>(vmas.size());
            for (Vma v : vmas.values()) {
                out.add(v.toMapping());
            }
            if (!links.isEmpty()) {
                links.values().forEach(l -> out.addAll(l.parts()));
                out.sort(Comparator.comparingLong(Mapping::start));
            }
            return List.copyOf(out);
        }
    }

    @Override
    public Optional<Translation> translate(long address) {
        synchronized (lock) {
            checkUsable();
            if (address < base || address >= limit) {
                return Optional.empty();
            }
            long e = table.walk(address);
            if (e == 0) {
                return Optional.empty();
            }
            int level = table.lastLevel();
            long pa = physical(e, level, address);
            SimFramePool pool = machine.poolAt(pa);
            Vma v = vmaAt(address);
            Protection p = (e & Pte.SW_PROTNONE) != 0 ? Protection.NONE
                    : v != null ? v.protection()
                            : Protection.of(true, (e & Pte.RW) != 0, (e & Pte.NX) == 0);
            return Optional.of(new Translation(address, pool == null ? -1 : SimMachine.frameIn(pool, pa),
                    (int) (address & (PageSize.FRAME_BYTES - 1)), sizeOf(level), p, (e & Pte.SW_COW) != 0,
                    (e & Pte.A) != 0, (e & Pte.D) != 0));
        }
    }

    @Override
    public long physicalFrameNumber(long address) {
        synchronized (lock) {
            checkUsable();
            long e = address < base || address >= limit ? 0 : table.walk(address);
            if (e == 0) {
                throw new AepException(Errno.EFAULT, "no page is present at address 0x" + Long.toHexString(address));
            }
            return physical(e, table.lastLevel(), address) >>> 12;
        }
    }

    // ---------------------------------------------------------------- accesses

    @Override
    public byte getByte(long address) {
        for (int attempt = 0;; attempt++) {
            synchronized (lock) {
                checkUsable();
                if (attempt == 0) {
                    accesses++;
                }
                long pa = resolve(address, false);
                if (pa >= 0) {
                    try {
                        return memory.readByte(pa);
                    } catch (IllegalStateException e) {
                        throw stale(e);
                    }
                }
            }
            fault(address, false, attempt);
        }
    }

    @Override
    public void putByte(long address, byte value) {
        for (int attempt = 0;; attempt++) {
            synchronized (lock) {
                checkUsable();
                if (attempt == 0) {
                    accesses++;
                }
                long pa = resolve(address, true);
                if (pa >= 0) {
                    try {
                        memory.writeByte(pa, value);
                        return;
                    } catch (IllegalStateException e) {
                        throw stale(e);
                    }
                }
            }
            fault(address, true, attempt);
        }
    }

    @Override
    public long getLong(long address) {
        checkWordAligned(address);
        for (int attempt = 0;; attempt++) {
            synchronized (lock) {
                checkUsable();
                if (attempt == 0) {
                    accesses++;
                }
                long pa = resolve(address, false);
                if (pa >= 0) {
                    try {
                        return memory.readLong(pa);
                    } catch (IllegalStateException e) {
                        throw stale(e);
                    }
                }
            }
            fault(address, false, attempt);
        }
    }

    @Override
    public void putLong(long address, long value) {
        checkWordAligned(address);
        for (int attempt = 0;; attempt++) {
            synchronized (lock) {
                checkUsable();
                if (attempt == 0) {
                    accesses++;
                }
                long pa = resolve(address, true);
                if (pa >= 0) {
                    try {
                        memory.writeLong(pa, value);
                        return;
                    } catch (IllegalStateException e) {
                        throw stale(e);
                    }
                }
            }
            fault(address, true, attempt);
        }
    }

    @Override
    public void read(long address, byte[] destination, int offset, int length) {
        copy(address, destination, offset, length, false);
    }

    @Override
    public void write(long address, byte[] source, int offset, int length) {
        copy(address, source, offset, length, true);
    }

    /**
     * A multi-page copy: first every page of the range is checked without side effects
     * (resolving the first fault and starting over), and only when all of them allow the
     * access are the bytes copied, so a refused copy moves nothing.
     */
    private void copy(long address, byte[] array, int offset, int length, boolean write) {
        if (array == null) {
            throw new AepException(Errno.EINVAL, "the byte array is null");
        }
        if (offset < 0 || length < 0 || length > array.length - offset) {
            throw new AepException(Errno.EINVAL, "offset " + offset + " and length " + length
                    + " leave the array of " + array.length + " bytes");
        }
        long lastFault = NO_FAULT;
        int sameFault = 0;
        for (boolean first = true;; first = false) {
            long faultAt;
            synchronized (lock) {
                checkUsable();
                if (first) {
                    accesses++;
                }
                if (length == 0) {
                    return;
                }
                faultAt = firstRefusal(address, length, write);
                if (faultAt == NO_FAULT) {
                    try {
                        copyResolved(address, array, offset, length, write);
                    } catch (IllegalStateException e) {
                        throw stale(e);
                    }
                    return;
                }
            }
            sameFault = faultAt == lastFault ? sameFault + 1 : 0;
            lastFault = faultAt;
            fault(faultAt, write, sameFault);
        }
    }

    private long firstRefusal(long address, int length, boolean write) {
        long end = address + length;
        if (address < base || address >= limit || length > limit - address) {
            return address < base || address >= limit ? address : limit;
        }
        for (long page = address & -PageSize.FRAME_BYTES; page < end; page += PageSize.FRAME_BYTES) {
            long va = Math.max(page, address);
            long e = table.walk(va);
            if ((e & Pte.P) == 0 || write && (e & Pte.RW) == 0) {
                return va;
            }
        }
        return NO_FAULT;
    }

    private void copyResolved(long address, byte[] array, int offset, int length, boolean write) {
        long va = address;
        int done = 0;
        while (done < length) {
            long pa = resolve(va, write);
            if (pa < 0) {
                throw new IllegalStateException("page at 0x" + Long.toHexString(va) + " faulted after its check");
            }
            long pageEnd = (va | ((1L << resolvedShift) - 1)) + 1;
            int chunk = (int) Math.min(length - done, pageEnd - va);
            if (write) {
                memory.copyIn(array, offset + done, pa, chunk);
            } else {
                memory.copyOut(pa, array, offset + done, chunk);
            }
            done += chunk;
            va += chunk;
        }
    }

    /**
     * Translates for an access through the TLB and, on a miss, the page walk, charging the clock.
     *
     * @return the physical address, or -1 when the access faults
     */
    private long resolve(long va, boolean write) {
        if (va < base || va >= limit) {
            return -1;
        }
        long e = tlb.lookup(va);
        int level;
        if (e != 0) {
            tlbHits++;
            level = (tlb.hitShift() - 12) / 9 + 1;
        } else {
            tlbMisses++;
            e = table.walk(va);
            chargeWalk();
            if ((e & Pte.P) == 0) {
                return -1;
            }
            level = table.lastLevel();
            if ((e & Pte.A) == 0) {
                e |= Pte.A;
                table.writeEntry(table.lastEntryAddress(), e);
            }
            tlb.fill(va, level, e);
        }
        if (write) {
            if ((e & Pte.RW) == 0) {
                return -1;
            }
            if ((e & Pte.D) == 0) {
                long w = table.walk(va);
                chargeWalk();
                w |= Pte.A | Pte.D;
                table.writeEntry(table.lastEntryAddress(), w);
                tlb.refresh(va, level, w);
                e = w;
            }
        }
        long pa = physical(e, level, va);
        resolvedShift = Pte.shift(level);
        nanos += bankNanos[memory.bankOf(pa)];
        return pa;
    }

    private void chargeWalk() {
        int refs = table.lastReferences();
        walkReferences += refs;
        nanos += refs * walkReferenceNs;
    }

    // ---------------------------------------------------------------- faults

    /**
     * Handles a fault at {@code va}: asks the fault handler first (without the lock), then fills on
     * demand, copies on write, or throws. Returns when the access should be retried.
     */
    private void fault(long va, boolean write, int attempt) {
        FaultKind kind;
        synchronized (lock) {
            checkUsable();
            kind = classify(va, write);
            if (kind == null) {
                return;
            }
            faults++;
        }
        FaultHandler h = handler;
        if (h != null && attempt < HANDLER_ATTEMPTS && h.onFault(this, new Fault(id, va, write, kind))) {
            return;
        }
        synchronized (lock) {
            checkUsable();
            kind = classify(va, write);
            if (kind == null) {
                return;
            }
            Vma v = vmaAt(va);
            switch (kind) {
                case NOT_PRESENT -> {
                    if (v == null || !v.onDemand()) {
                        throw new AepException(Errno.EFAULT, "address 0x" + Long.toHexString(va)
                                + " is not mapped in address space " + id);
                    }
                    if (!v.protection().canRead() || write && !v.protection().canWrite()) {
                        throw refused(va, write, v.protection());
                    }
                    fill(v, va);
                    group.faulted(this, va, v.pageSize());
                }
                case PROTECTION -> throw refused(va, write, v != null ? v.protection() : linkProtection(va));
                case COPY_ON_WRITE -> {
                    breakCopyOnWrite(v, va);
                    group.faulted(this, va, v.pageSize());
                }
                default -> throw new IllegalStateException("fault kind " + kind);
            }
        }
    }

    /** Why an access at {@code va} faults now, or null if it would succeed. */
    private FaultKind classify(long va, boolean write) {
        if (va < base || va >= limit) {
            return FaultKind.NOT_PRESENT;
        }
        long e = table.walk(va);
        if (e == 0) {
            return FaultKind.NOT_PRESENT;
        }
        if ((e & Pte.SW_PROTNONE) != 0) {
            return FaultKind.PROTECTION;
        }
        if (write && (e & Pte.RW) == 0) {
            Vma v = vmaAt(va);
            return (e & Pte.SW_COW) != 0 && v != null && v.protection().canWrite() ? FaultKind.COPY_ON_WRITE
                    : FaultKind.PROTECTION;
        }
        return null;
    }

    private AepException refused(long va, boolean write, Protection p) {
        return new AepException(Errno.EACCES, (write ? "store to" : "load from") + " address 0x"
                + Long.toHexString(va) + " refused: the page is mapped " + p);
    }

    private void fill(Vma v, long va) {
        PageSize ps = v.pageSize();
        long page = va & -ps.bytes();
        if (machine.injectFailure()) {
            throw new AepException(Errno.ENOMEM, "injected allocation failure on the demand fault at address 0x"
                    + Long.toHexString(va) + " (seed " + machine.config().seed() + ")");
        }
        SimFramePool pool = machine.dram(node);
        ContiguityPlacement ca = placement;
        long frame;
        try {
            frame = ca == null ? pool.allocatePinned(ps.order())
                    : ca.place(v.start() >>> 12, v.length() >>> 12, page >>> 12, ps.order());
        } catch (AepException e) {
            throw new AepException(e.errno(), "demand fault at address 0x" + Long.toHexString(va) + ": "
                    + e.getMessage(), e);
        }
        try {
            table.install(page, levelOf(ps), pool.addressOf(frame) | leafFlags(v.protection(), ps, false, true));
        } catch (AepException e) {
            table.clear(page, page + ps.bytes(), null);
            pool.freePinned(frame, ps.order());
            throw new AepException(e.errno(), "demand fault at address 0x" + Long.toHexString(va) + ": "
                    + e.getMessage(), e);
        }
    }

    private void breakCopyOnWrite(Vma v, long va) {
        long e = table.walk(va);
        int level = table.lastLevel();
        long entryAddress = table.lastEntryAddress();
        PageSize ps = sizeOf(level);
        long page = va & -ps.bytes();
        if (machine.injectFailure()) {
            throw new AepException(Errno.ENOMEM, "injected allocation failure on the copy-on-write fault at address 0x"
                    + Long.toHexString(va) + " (seed " + machine.config().seed() + ")");
        }
        SimFramePool pool = machine.dram(node);
        long frame;
        try {
            frame = pool.allocatePinned(ps.order());
        } catch (AepException ex) {
            throw new AepException(ex.errno(), "copy-on-write fault at address 0x" + Long.toHexString(va) + ": "
                    + ex.getMessage(), ex);
        }
        long oldPage = Pte.address(e) & -ps.bytes();
        long newPage = pool.addressOf(frame);
        memory.copy(oldPage, newPage, ps.bytes());
        long flags = (e & ~(Pte.PFN_MASK | Pte.SW_COW)) | Pte.SW_OWNED;
        if (v.protection().canWrite()) {
            flags |= Pte.RW;
        }
        table.writeEntry(entryAddress, newPage | flags);
        tlb.invalidate(page, page + ps.bytes());
        release(page, level, e);
        copyOnWrites++;
    }

    /** Gives back what a leaf held: unpins its frames and frees them if the space owned them. */
    void release(long va, int level, long entry) {
        long pa = Pte.address(entry);
        SimFramePool pool = machine.poolAt(pa);
        if (pool == null) {
            throw new IllegalStateException("leaf for 0x" + Long.toHexString(va) + " points at 0x"
                    + Long.toHexString(pa) + ", in no frame pool");
        }
        long frame = SimMachine.frameIn(pool, pa);
        PageSize ps = sizeOf(level);
        if ((entry & Pte.SW_OWNED) != 0) {
            pool.releaseOwned(frame, ps.order());
        } else {
            pool.unpin(frame, ps.frames());
        }
    }

    // ---------------------------------------------------------------- the rest of the API

    @Override
    public void setFaultHandler(FaultHandler faultHandler) {
        checkUsable();
        this.handler = faultHandler;
    }

    @Override
    public PlacementPolicy placementPolicy() {
        checkUsable();
        return placement == null ? PlacementPolicy.BUDDY : PlacementPolicy.CONTIGUITY_AWARE;
    }

    /**
     * {@link PlacementPolicy#BUDDY} takes demand-filled frames from the buddy allocator;
     * {@link PlacementPolicy#CONTIGUITY_AWARE} places them with a {@link ContiguityPlacement} over
     * the node's pool. Choosing the policy already in force keeps its state; switching drops the
     * offset records. Pages already present stay where they are.
     */
    @Override
    public void setPlacementPolicy(PlacementPolicy policy) {
        synchronized (lock) {
            checkUsable();
            if (policy == null) {
                throw new AepException(Errno.EINVAL, "placement policy is null");
            }
            if (policy == PlacementPolicy.BUDDY) {
                placement = null;
            } else if (placement == null) {
                placement = new ContiguityPlacement(new PoolPlacementFrames(machine.dram(node)));
            }
        }
    }

    /** The contiguity-aware placement in force, or null under the buddy policy (for tests and tools). */
    ContiguityPlacement contiguityPlacement() {
        return placement;
    }

    @Override
    public PageMap pageMap() {
        synchronized (lock) {
            checkUsable();
            List<PageMap.Vma> out = new ArrayList<>(vmas.size());
            for (Vma v : vmas.values()) {
                long startVpn = v.start() >>> 12;
                long[] pfns = new long[Math.toIntExact(v.length() >>> 12)];
                Arrays.fill(pfns, PageMap.NOT_PRESENT);
                table.forEachLeaf(v.start(), v.end(), (va, level, e) -> {
                    long first = Pte.address(e) >>> 12;
                    int at = (int) ((va >>> 12) - startVpn);
                    long n = sizeOf(level).frames();
                    for (int i = 0; i < n; i++) {
                        pfns[at + i] = first + i;
                    }
                });
                out.add(new PageMap.Vma(startVpn, pfns));
            }
            return new PageMap("space " + id, out);
        }
    }

    @Override
    public AccessStats stats() {
        synchronized (lock) {
            checkUsable();
            return new AccessStats(accesses, tlbHits, tlbMisses, walkReferences, faults, copyOnWrites,
                    table.tablePages(), nanos);
        }
    }

    @Override
    public void resetStats() {
        synchronized (lock) {
            checkUsable();
            accesses = 0;
            tlbHits = 0;
            tlbMisses = 0;
            walkReferences = 0;
            faults = 0;
            copyOnWrites = 0;
            nanos = 0;
        }
    }

    @Override
    public boolean isClosed() {
        return closed || !machine.isActive();
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (machine.isActive()) {
                try {
                    for (Link l : links.values()) {
                        if (l.populated()) {
                            table.clear(l.start(), l.end(), null);
                        }
                    }
                    links.clear();
                    group.leave(this);
                    table.clearAll(this::release);
                } catch (IllegalStateException e) {
                    if (machine.isActive()) {
                        throw e;
                    }
                }
            }
            if (group.isEmpty()) {
                vmas.clear();
            }
            tlb.flush();
        }
        machine.forget(this);
    }

    // ---------------------------------------------------------------- views

    @Override
    public ViewableSpace createView() {
        synchronized (lock) {
            checkUsable();
            return group.createView(this);
        }
    }

    @Override
    public int viewCount() {
        synchronized (lock) {
            checkUsable();
            return group.size();
        }
    }

    @Override
    public void setCopyOnWrite(long address, long length, boolean copyOnWrite) {
        synchronized (lock) {
            checkUsable();
            group.setCopyOnWrite(this, address, length, copyOnWrite, mappings());
        }
    }

    @Override
    public List<Mapping> copyOnWriteRanges() {
        synchronized (lock) {
            checkUsable();
            return group.copyOnWriteRanges(mappings());
        }
    }

    /** A new member of this space's group with the same range, lock and VMAs and an empty page table. */
    SimAddressSpace newView(long viewId) {
        return new SimAddressSpace(machine, viewId, node, base, limit, lock, vmas, group);
    }

    PageTable table() {
        return table;
    }

    Tlb tlb() {
        return tlb;
    }

    /** The physical address of the PML4, 0 while nothing is mapped (for tests and tools). */
    long pageTableRoot() {
        synchronized (lock) {
            checkUsable();
            return table.root();
        }
    }

    /** Valid TLB entries (for tests and tools). */
    int tlbEntries() {
        synchronized (lock) {
            checkUsable();
            return tlb.validEntries();
        }
    }

    // ---------------------------------------------------------------- helpers

    private void checkUsable() {
        if (!machine.isActive()) {
            throw new AepException(Errno.ESTALE, "address space " + id
                    + " belongs to a sim backend that is no longer active");
        }
        if (closed) {
            throw new AepException(Errno.ESTALE, "address space " + id + " is closed");
        }
    }

    private RuntimeException stale(IllegalStateException e) {
        if (!machine.isActive()) {
            return new AepException(Errno.ESTALE, "address space " + id
                    + " belongs to a sim backend that is no longer active", e);
        }
        return e;
    }

    private static void checkWordAligned(long address) {
        if ((address & 7) != 0) {
            throw new AepException(Errno.EINVAL, "address 0x" + Long.toHexString(address) + " is not aligned to 8");
        }
    }

    private void checkRange(long address, long length, PageSize pageSize) {
        if (pageSize == null) {
            throw new AepException(Errno.EINVAL, "page size is required");
        }
        if (!pageSize.isAligned(address)) {
            throw new AepException(Errno.EINVAL, "address 0x" + Long.toHexString(address) + " is not aligned to "
                    + pageSize.bytes());
        }
        if (length <= 0 || !pageSize.isAligned(length)) {
            throw new AepException(Errno.EINVAL, "length " + length + " is not a positive multiple of "
                    + pageSize.bytes());
        }
        if (address < base || address >= limit || length > limit - address) {
            throw new AepException(Errno.EINVAL, "range 0x" + Long.toHexString(address) + "+" + length
                    + " leaves address space " + id + " [0x" + Long.toHexString(base) + ", 0x"
                    + Long.toHexString(limit) + ")");
        }
    }

    private void checkFree(long address, long length) {
        checkNoLink(address, address + length, "a mapping");
        List<Vma> hit = overlapping(address, address + length);
        if (!hit.isEmpty()) {
            Vma v = hit.get(0);
            throw new AepException(Errno.EEXIST, "range 0x" + Long.toHexString(address) + "+" + length
                    + " overlaps the mapping at 0x" + Long.toHexString(v.start()) + "+" + v.length());
        }
    }

    private void checkNoSplit(List<Vma> hit, long address, long end, String what) {
        for (Vma v : hit) {
            PageSize ps = v.pageSize();
            if (ps == PageSize.SIZE_4K) {
                continue;
            }
            for (long edge : new long[] {address, end}) {
                if (edge > v.start() && edge < v.end() && !ps.isAligned(edge)) {
                    throw new AepException(Errno.EINVAL, what + " of 0x" + Long.toHexString(address) + "+"
                            + (end - address) + " splits a " + (ps.bytes() >> 20) + " MiB page of the mapping at 0x"
                            + Long.toHexString(v.start()));
                }
            }
        }
    }

    // ---------------------------------------------------------------- morsel links (SimSubtreeSet)

    /**
     * Links a morsel's subtrees at {@code address}: entry {@code i} points at {@code tables[i]} from
     * level {@code levels[i]} for {@code address + offsets[i]}. Nothing changes if it fails.
     *
     * @throws AepException {@code EINVAL} (range), {@code EEXIST} (overlap), {@code ENOMEM} (tables)
     */
    LinkCost linkTables(long address, long length, Protection protection, long[] offsets, int[] levels,
            long[] tables, List<Mapping> parts) {
        synchronized (lock) {
            checkUsable();
            checkRange(address, length, PageSize.SIZE_2M);
            checkFree(address, length);
            long rights = (protection.canWrite() ? Pte.RW : 0) | (protection.canExecute() ? 0 : Pte.NX);
            long before = table.tablePages();
            long written = 0;
            try {
                for (int i = 0; i < offsets.length; i++) {
                    written += table.link(address + offsets[i], levels[i], tables[i], rights);
                }
            } catch (AepException e) {
                table.clear(address, address + length, null);
                throw new AepException(e.errno(), "linking 0x" + Long.toHexString(address) + "+" + length
                        + " failed: " + e.getMessage(), e);
            }
            links.put(address, new Link(address, length, protection, false, offsets, levels, parts));
            return new LinkCost(written, table.tablePages() - before, 0, 0);
        }
    }

    /**
     * Maps a morsel's frames page by page at {@code address}: one leaf per 4 KiB page, the frames of
     * chunk {@code c} starting at physical address {@code chunks[c]}. Nothing changes if it fails.
     */
    LinkCost populateFrames(long address, long length, Protection protection, long[] chunks, List<Mapping> parts) {
        synchronized (lock) {
            checkUsable();
            checkRange(address, length, PageSize.SIZE_2M);
            checkFree(address, length);
            long flags = leafFlags(protection, PageSize.SIZE_4K, false, false);
            long before = table.tablePages();
            boolean hadRoot = table.root() != 0;
            long va = address;
            try {
                for (long chunk : chunks) {
                    for (long f = 0; f < PageSize.SIZE_2M.frames(); f++, va += PageSize.FRAME_BYTES) {
                        table.install(va, 1, (chunk + f * PageSize.FRAME_BYTES) | flags);
                    }
                }
            } catch (AepException e) {
                table.clear(address, address + length, null);
                throw new AepException(e.errno(), "mapping 0x" + Long.toHexString(address) + "+" + length
                        + " page by page failed: " + e.getMessage(), e);
            }
            long created = table.tablePages() - before;
            links.put(address, new Link(address, length, protection, true, null, null, parts));
            return new LinkCost(length / PageSize.FRAME_BYTES + created - (hadRoot ? 0 : 1), created, 0, 0);
        }
    }

    /**
     * Removes the morsel range that starts at {@code address}, with a TLB shootdown.
     *
     * @return the work, or null if no morsel range starts there (or the space is closed)
     */
    LinkCost unlinkAt(long address) {
        synchronized (lock) {
            if (closed || !machine.isActive()) {
                return null;
            }
            Link l = links.remove(address);
            if (l == null) {
                return null;
            }
            long before = table.tablePages();
            boolean hadRoot = table.root() != 0;
            long written = 0;
            if (l.populated()) {
                table.clear(l.start(), l.end(), null);
                written = l.length() / PageSize.FRAME_BYTES;
            } else {
                for (int i = 0; i < l.offsets().length; i++) {
                    written += table.unlink(l.start() + l.offsets()[i], l.levels()[i]);
                }
            }
            long freed = before - table.tablePages();
            if (l.populated()) {
                written += freed - (hadRoot && table.root() == 0 ? 1 : 0);
            }
            tlb.invalidate(l.start(), l.end());
            return new LinkCost(written, 0, freed, 0);
        }
    }

    SimMachine machine() {
        return machine;
    }

    /** Drops the TLB entries of a range whose leaves a morsel rewrote. */
    void shootdown(long address, long length) {
        synchronized (lock) {
            if (!closed) {
                tlb.invalidate(address, address + length);
            }
        }
    }

    private void checkNoLink(long start, long end, String what) {
        Map.Entry<Long, Link> before = links.floorEntry(start);
        Link hit = before != null && before.getValue().end() > start ? before.getValue() : null;
        if (hit == null) {
            Map.Entry<Long, Link> after = links.ceilingEntry(start);
            hit = after != null && after.getKey() < end ? after.getValue() : null;
        }
        if (hit != null) {
            throw new AepException(what.equals("a mapping") ? Errno.EEXIST : Errno.EBUSY, "range 0x"
                    + Long.toHexString(start) + "+" + (end - start) + " overlaps the morsel mapped at 0x"
                    + Long.toHexString(hit.start()) + "+" + hit.length()
                    + (what.equals("a mapping") ? "" : "; " + what + " it through the morsel"));
        }
    }

    private Protection linkProtection(long va) {
        Map.Entry<Long, Link> e = links.floorEntry(va);
        return e != null && e.getValue().end() > va ? e.getValue().protection() : Protection.NONE;
    }

    private List<Vma> overlapping(long start, long end) {
        List<Vma> out = new ArrayList<>();
        Map.Entry<Long, Vma> before = vmas.floorEntry(start);
        if (before != null && before.getValue().end() > start) {
            out.add(before.getValue());
        }
        for (Vma v : vmas.subMap(start, false, end, false).values()) {
            out.add(v);
        }
        return out;
    }

    private Vma vmaAt(long va) {
        Map.Entry<Long, Vma> e = vmas.floorEntry(va);
        return e != null && e.getValue().end() > va ? e.getValue() : null;
    }

    private static long physical(long entry, int level, long va) {
        long mask = (1L << Pte.shift(level)) - 1;
        return (Pte.address(entry) & ~mask) | (va & mask);
    }

    private static int levelOf(PageSize ps) {
        return switch (ps) {
            case SIZE_4K -> 1;
            case SIZE_2M -> 2;
            case SIZE_1G -> 3;
        };
    }

    private static PageSize sizeOf(int level) {
        return switch (level) {
            case 1 -> PageSize.SIZE_4K;
            case 2 -> PageSize.SIZE_2M;
            case 3 -> PageSize.SIZE_1G;
            default -> throw new IllegalArgumentException("leaf level " + level);
        };
    }

    /** The leaf entry flags (without the frame address) for a page with these rights. */
    static long leafFlags(Protection p, PageSize ps, boolean cow, boolean owned) {
        long f = Pte.US;
        if (ps != PageSize.SIZE_4K) {
            f |= Pte.PS;
        }
        if (p == Protection.NONE) {
            f |= Pte.SW_PROTNONE;
        } else {
            f |= Pte.P;
            if (p.canWrite() && !cow) {
                f |= Pte.RW;
            }
        }
        if (!p.canExecute()) {
            f |= Pte.NX;
        }
        if (cow) {
            f |= Pte.SW_COW;
        }
        if (owned) {
            f |= Pte.SW_OWNED;
        }
        return f;
    }

    static long reprotect(long entry, Protection p) {
        long keep = entry & (Pte.PFN_MASK | Pte.A | Pte.D | Pte.PS | Pte.US | Pte.SW_COW | Pte.SW_OWNED | Pte.PKEY_MASK);
        long f = keep;
        if (p == Protection.NONE) {
            f |= Pte.SW_PROTNONE;
        } else {
            f |= Pte.P;
            if (p.canWrite() && (entry & Pte.SW_COW) == 0) {
                f |= Pte.RW;
            }
        }
        if (!p.canExecute()) {
            f |= Pte.NX;
        }
        return f;
    }

    @Override
    public String toString() {
        return "SimAddressSpace[" + id + ", node " + node + ", 0x" + Long.toHexString(base) + "-0x"
                + Long.toHexString(limit) + "]";
    }
}

package org.aepdsm.backend.os;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AccessStats;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.Fault;
import org.aepdsm.api.memory.FaultHandler;
import org.aepdsm.api.memory.FaultKind;
import org.aepdsm.api.memory.FramePool;
import org.aepdsm.api.memory.MapMode;
import org.aepdsm.api.memory.Mapping;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.api.memory.Translation;
import org.aepdsm.api.memory.ViewableSpace;
import org.aepdsm.api.paging.PageMap;
import org.aepdsm.api.paging.PlacementPolicy;
import org.aepdsm.backend.os.ffm.MemoryFile;
import org.aepdsm.backend.os.ffm.Reservation;

/*
 * An address space is a Reservation of this process's virtual memory plus a Java model of what is
 * mapped where. The model is the truth; the kernel mappings follow it.
 *
 *   regions (TreeMap by start)     kernel state of each page of the reservation
 *   -------------------------      ------------------------------------------------------------
 *   none                           PROT_NONE anonymous (the reservation itself)
 *   SHARED, given frames           MAP_SHARED of the pool file at frame*4096, rights = protection
 *   COPY_ON_WRITE, page not copied MAP_PRIVATE of the pool file, rights = protection minus write
 *   COPY_ON_WRITE, page copied     MAP_SHARED of the copy's frame (owned), rights = protection
 *   on demand, page not touched    PROT_NONE anonymous
 *   on demand, page touched        MAP_SHARED of the filled frame (owned), rights = protection
 *
 * A page ("unit") is 4 KiB or a logical 2 MiB page; a 2 MiB page maps 512 consecutive frames of
 * an order-9 block (the kernel still uses 4 KiB pages of the pool file). Region.own holds, by unit
 * address, the frames this space allocated itself (demand fills and COW copies).
 *
 * Every access is checked against the model under the read lock before the segment over the
 * reservation is touched, and stays under the read lock while it touches it, so it never meets a
 * page the kernel would refuse: no SIGSEGV can happen. A failed check is a fault: the fault
 * handler is asked first (without locks held), then the space resolves it under the write lock
 * (demand fill, copy-on-write copy) or reports EFAULT/EACCES, and the access is retried. Mapping
 * changes take the write lock, so they are atomic with respect to accesses.
 *
 * Copy-on-write is done in software rather than by the kernel's private copy: the first store to a
 * COW page allocates a frame from the node's pool, copies the page into it and maps it MAP_SHARED
 * over the private mapping. The copy is therefore a pool frame like on every backend: counted,
 * translatable, and freed on unmap.
 *
 * mapCount accounting: each present page adds one to the map count of each of its frames; a COW
 * copy moves that count from the original frames to the copy.
 *
 * Views (NativeViewGroup): the members of a group share the lock and the regions (the model), and
 * each has its own Reservation at another real address, addressed with the same API addresses
 * (base/limit of the first space; offsets into each reservation are address - base). Every kernel
 * change of a unit outside the group's copy-on-write ranges is made in every member's reservation, so
 * a shared page is one pool frame mapped MAP_SHARED in all of them. Units inside copy-on-write ranges
 * keep their frames per member (privateFrames; never in Region.own): a member's fill or copy is its
 * own; at view creation both members keep the same frame, read-only and listed in privateCow, and
 * the first store copies it (or, if no other member holds it any more, just makes it writable). A
 * given COPY_ON_WRITE frame that a member has not copied stays MAP_PRIVATE read-only, as without
 * views, and keeps the single count its Region took.
 */
/**
 * A virtual address space of the native backend.
 *
 * <p>Ownership: created and closed by its {@link NativeMachine}; the frames it allocates are its own
 * and go back to the pool on unmap and close. Thread-safety: all methods may be called from any
 * thread.
 */
final class NativeAddressSpace implements ViewableSpace {
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long FRAME = PageSize.FRAME_BYTES;
    private static final int EXTRA_FAULT_RETRIES = 16;

    private final NativeMachine machine;
    private final long id;
    private final int node;
    private final NativeFramePool pool;
    private final Reservation reservation;
    private final MemorySegment memory;
    private final long base;
    private final long limit;
    private final ReentrantReadWriteLock lock;
    private final TreeMap<Long, Region> regions;
    private final NativeViewGroup group;
    /** Frames of this member for units in copy-on-write ranges, by unit address (each counted once in the pool). */
    private final TreeMap<Long, Long> privateFrames = new TreeMap<>();
    /** Units of privateFrames whose frame another member may share: mapped read-only, copied on the first store. */
    private final TreeSet<Long> privateCow = new TreeSet<>();
    /** While this new member is mirrored: its mapping call (1-based) that fails by injection, or -1; write lock held. */
    private int mirrorFaultAt = -1;
    /** Mapping calls made so far while mirroring into this new member; write lock held. */
    private int mirrorCalls;
    private final LongAdder accesses = new LongAdder();
    private final LongAdder faults = new LongAdder();
    private final LongAdder copies = new LongAdder();
    private volatile boolean closed;
    private volatile FaultHandler handler;
    private volatile PlacementPolicy placement = PlacementPolicy.BUDDY;

    NativeAddressSpace(NativeMachine machine, long id, int node, NativeFramePool pool, Reservation reservation) {
        this(machine, id, node, pool, reservation, reservation.base(), new ReentrantReadWriteLock(), new TreeMap<>(),
                new NativeViewGroup());
        group.join(this);
    }

    private NativeAddressSpace(NativeMachine machine, long id, int node, NativeFramePool pool,
            Reservation reservation, long base, ReentrantReadWriteLock lock, TreeMap<Long, Region> regions,
            NativeViewGroup group) {
        this.machine = machine;
        this.id = id;
        this.node = node;
        this.pool = pool;
        this.reservation = reservation;
        this.memory = reservation.segment();
        this.base = base;
        this.limit = base + reservation.size();
        this.lock = lock;
        this.regions = regions;
        this.group = group;
    }

    /** A run of pages of one kind and protection. Mutated only under the write lock. */
    private static final class Region {
        final long start;
        final long length;
        final PageSize pageSize;
        final Protection protection;
        final MapMode mode;
        final NativeFramePool pool;
        final long firstFrame;
        /** Frames this space owns, by unit address; null for SHARED mappings of given frames. */
        final TreeMap<Long, Long> own;
        /** Contiguity-aware placement: frame minus 4 KiB page index of the last demand fill, or MIN_VALUE. */
        long placementOffset = Long.MIN_VALUE;

        Region(long start, long length, PageSize pageSize, Protection protection, MapMode mode, NativeFramePool pool,
                long firstFrame, TreeMap<Long, Long> own) {
            this.start = start;
            this.length = length;
            this.pageSize = pageSize;
            this.protection = protection;
            this.mode = mode;
            this.pool = pool;
            this.firstFrame = firstFrame;
            this.own = own;
        }

        long end() {
            return start + length;
        }

        long unitBytes() {
            return pageSize.bytes();
        }

        long unitStart(long address) {
            return address & ~(pageSize.bytes() - 1);
        }

        /** The first frame of the unit at {@code unit}, or -1 if not present. */
        long frameOf(long unit) {
            if (own != null) {
                Long f = own.get(unit);
                if (f != null) {
                    return f;
                }
            }
            return firstFrame < 0 ? -1 : firstFrame + (unit - start) / FRAME;
        }

        boolean isOwned(long unit) {
            return own != null && own.containsKey(unit);
        }

        boolean isCow(long unit) {
            return mode == MapMode.COPY_ON_WRITE && !isOwned(unit);
        }

        /** Rights the kernel gets for a present unit. */
        Protection kernelRights(long unit) {
            return isCow(unit) ? (protection.canRead() ? Protection.READ : Protection.NONE) : protection;
        }

        Region slice(long from, long to, Protection rights) {
            TreeMap<Long, Long> part = own == null ? null : new TreeMap<>(own.subMap(from, to));
            long first = firstFrame < 0 ? -1 : firstFrame + (from - start) / FRAME;
            Region r = new Region(from, to - from, pageSize, rights, mode, pool, first, part);
            r.placementOffset = placementOffset;
            return r;
        }

        Mapping toMapping() {
            return new Mapping(start, length, firstFrame, pageSize, protection, mode);
        }
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
    public void map(long address, long length, FramePool framePool, long firstFrame, PageSize pageSize,
            Protection protection, MapMode mode) {
        map(address, length, framePool, firstFrame, pageSize, protection, mode, false);
    }

    /** {@link #map}, with {@code MAP_POPULATE} when {@code populate}: every page entry filled now. */
    void map(long address, long length, FramePool framePool, long firstFrame, PageSize pageSize,
            Protection protection, MapMode mode, boolean populate) {
        lock.writeLock().lock();
        try {
            checkLive();
            checkNotNull(framePool, "frame pool");
            checkNotNull(protection, "protection");
            checkNotNull(mode, "map mode");
            checkRange(address, length, pageSize);
            if (!(framePool instanceof NativeFramePool p) || p.machine() != machine) {
                throw new AepException(Errno.EINVAL, "frame pool " + framePool.name()
                        + " does not belong to this native backend");
            }
            if ((firstFrame & (pageSize.frames() - 1)) != 0) {
                throw new AepException(Errno.EINVAL, "frame " + firstFrame + " is not aligned to the " + pageSize
                        + " page (order " + pageSize.order() + ")");
            }
            long frames = length / FRAME;
            p.requireAllocated(firstFrame, frames);
            checkFree(address, length);
            p.retain(firstFrame, frames);
            boolean shared = mode == MapMode.SHARED;
            Region r = new Region(address, length, pageSize, protection, mode, p, firstFrame,
                    shared ? null : new TreeMap<>());
            try {
                for (NativeAddressSpace m : group.members()) {
                    m.reservation.mapFile(address - base, length, p.file(), firstFrame * FRAME,
                            r.kernelRights(address), shared, populate);
                }
            } catch (AepException e) {
                p.release(firstFrame, frames);
                for (NativeAddressSpace m : group.members()) {
                    m.reservation.clear(address - base, length);
                }
                throw e;
            }
            regions.put(address, r);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void mapOnDemand(long address, long length, PageSize pageSize, Protection protection) {
        lock.writeLock().lock();
        try {
            checkLive();
            checkNotNull(protection, "protection");
            checkRange(address, length, pageSize);
            checkFree(address, length);
            regions.put(address, new Region(address, length, pageSize, protection, MapMode.SHARED, pool, -1,
                    new TreeMap<>()));
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void unmap(long address, long length) {
        lock.writeLock().lock();
        try {
            checkLive();
            checkRange(address, length, PageSize.SIZE_4K);
            long end = address + length;
            checkNoSplitLargePage(address, end);
            for (Region r : overlapping(address, end)) {
                long from = Math.max(address, r.start);
                long to = Math.min(end, r.end());
                regions.remove(r.start);
                if (r.start < from) {
                    regions.put(r.start, r.slice(r.start, from, r.protection));
                }
                if (to < r.end()) {
                    regions.put(to, r.slice(to, r.end(), r.protection));
                }
                releasePages(r, from, to);
                for (NativeAddressSpace m : group.members()) {
                    m.releasePrivate(from, to, r.pageSize);
                    m.reservation.clear(from - base, to - from);
                }
            }
            group.copyOnWrite().remove(address, end);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Drops the map counts of the present pages of {@code [from, to)} and frees the owned ones. */
    private void releasePages(Region r, long from, long to) {
        if (r.own == null) {
            // given frames, all present: one range of map counts, whatever the number of pages
            r.pool.release(r.frameOf(from), (to - from) / FRAME);
            return;
        }
        long unitFrames = r.pageSize.frames();
        for (long u = from; u < to; u += r.unitBytes()) {
            long f = r.frameOf(u);
            if (f < 0) {
                continue;
            }
            NativeFramePool owner = r.isOwned(u) ? pool : r.pool;
            owner.release(f, unitFrames);
            if (r.isOwned(u)) {
                pool.freeOwned(f, r.pageSize.order());
            }
        }
    }

    @Override
    public void protect(long address, long length, Protection protection) {
        lock.writeLock().lock();
        try {
            checkLive();
            checkNotNull(protection, "protection");
            checkRange(address, length, PageSize.SIZE_4K);
            long end = address + length;
            for (long a = address; a < end;) {
                Region r = regionAt(a);
                if (r == null) {
                    throw new AepException(Errno.ENOMEM, "address " + hex(a) + " in range " + hex(address) + "+"
                            + length + " is not mapped in address space " + id);
                }
                a = r.end();
            }
            checkNoSplitLargePage(address, end);
            for (Region r : overlapping(address, end)) {
                long from = Math.max(address, r.start);
                long to = Math.min(end, r.end());
                regions.remove(r.start);
                if (r.start < from) {
                    regions.put(r.start, r.slice(r.start, from, r.protection));
                }
                Region changed = r.slice(from, to, protection);
                regions.put(from, changed);
                if (to < r.end()) {
                    regions.put(to, r.slice(to, r.end(), r.protection));
                }
                for (NativeAddressSpace m : group.members()) {
                    m.applyKernelRights(changed);
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Gives the kernel the rights of every present unit of the region, one call per run of equal rights. */
    private void applyKernelRights(Region r) {
        long runStart = -1;
        Protection runRights = null;
        for (long u = r.start; u <= r.end(); u += r.unitBytes()) {
            boolean present = u < r.end() && frameAt(r, u) >= 0;
            Protection rights = present ? rightsAt(r, u) : null;
            if (runStart >= 0 && (!present || rights != runRights)) {
                reservation.protect(runStart - base, u - runStart, runRights);
                runStart = -1;
            }
            if (present && runStart < 0) {
                runStart = u;
                runRights = rights;
            }
        }
    }

    private List<Region> overlapping(long from, long to) {
        List<Region> out = new ArrayList<>();
        Map.Entry<Long, Region> first = regions.floorEntry(from);
        long key = first != null && first.getValue().end() > from ? first.getKey() : from;
        for (Region r : regions.subMap(key, true, to, false).values()) {
            if (r.end() > from) {
                out.add(r);
            }
        }
        return out;
    }

    private void checkNoSplitLargePage(long from, long to) {
        for (long edge : new long[] {from, to}) {
            Region r = regionAt(edge);
            if (r != null && r.unitStart(edge) != edge) {
                throw new AepException(Errno.EINVAL, "address " + hex(edge) + " splits the " + r.pageSize
                        + " page at " + hex(r.unitStart(edge)) + " in address space " + id);
            }
        }
    }

    private void checkFree(long address, long length) {
        List<Region> clash = overlapping(address, address + length);
        if (!clash.isEmpty()) {
            throw new AepException(Errno.EEXIST, "range " + hex(address) + "+" + length
                    + " overlaps the mapping at " + hex(clash.get(0).start) + " in address space " + id);
        }
    }

    private Region regionAt(long address) {
        Map.Entry<Long, Region> e = regions.floorEntry(address);
        return e != null && e.getValue().end() > address ? e.getValue() : null;
    }

    private void checkRange(long address, long length, PageSize pageSize) {
        checkNotNull(pageSize, "page size");
        if (pageSize == PageSize.SIZE_1G) {
            throw new AepException(Errno.EINVAL, "page size " + pageSize + " is not supported by the native backend");
        }
        if (!pageSize.isAligned(address)) {
            throw new AepException(Errno.EINVAL, "address " + hex(address) + " is not aligned to " + pageSize.bytes());
        }
        if (length <= 0 || !pageSize.isAligned(length)) {
            throw new AepException(Errno.EINVAL, "length " + length + " is not a positive multiple of "
                    + pageSize.bytes());
        }
        if (address < base || address >= limit || length > limit - address) {
            throw new AepException(Errno.EINVAL, "range " + hex(address) + "+" + length + " leaves address space "
                    + id + " [" + hex(base) + ", " + hex(limit) + ")");
        }
    }

    private static void checkNotNull(Object value, String what) {
        if (value == null) {
            throw new AepException(Errno.EINVAL, what + " is null");
        }
    }

    // ---------------------------------------------------------------- accesses

    @Override
    public byte getByte(long address) {
        acquire(address, 1, false);
        try {
            return memory.get(ValueLayout.JAVA_BYTE, address - base);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void putByte(long address, byte value) {
        acquire(address, 1, true);
        try {
            memory.set(ValueLayout.JAVA_BYTE, address - base, value);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public long getLong(long address) {
        checkAligned8(address);
        acquire(address, 8, false);
        try {
            return memory.get(LONG_LE, address - base);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void putLong(long address, long value) {
        checkAligned8(address);
        acquire(address, 8, true);
        try {
            memory.set(LONG_LE, address - base, value);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void read(long address, byte[] destination, int offset, int length) {
        checkArray(destination, offset, length);
        if (length == 0) {
            checkLive();
            return;
        }
        acquire(address, length, false);
        try {
            MemorySegment.copy(memory, ValueLayout.JAVA_BYTE, address - base, destination, offset, length);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void write(long address, byte[] source, int offset, int length) {
        checkArray(source, offset, length);
        if (length == 0) {
            checkLive();
            return;
        }
        acquire(address, length, true);
        try {
            MemorySegment.copy(source, offset, memory, ValueLayout.JAVA_BYTE, address - base, length);
        } finally {
            lock.readLock().unlock();
        }
    }

    private static void checkArray(byte[] array, int offset, int length) {
        if (array == null) {
            throw new AepException(Errno.EINVAL, "array is null");
        }
        if (offset < 0 || length < 0 || offset > array.length - length) {
            throw new AepException(Errno.EINVAL, "offset " + offset + " and length " + length
                    + " leave the array of " + array.length + " bytes");
        }
    }

    private void checkAligned8(long address) {
        if ((address & 7) != 0) {
            throw new AepException(Errno.EINVAL, "address " + hex(address) + " is not aligned to 8");
        }
    }

    /**
     * Returns holding the read lock once every page of the range allows the access; resolves faults
     * on the way. Throws (holding no lock) if a fault cannot be resolved.
     */
    private void acquire(long address, long length, boolean write) {
        long pages = (length + FRAME - 1) / FRAME + 1;
        for (long attempt = 0;; attempt++) {
            Fault fault;
            lock.readLock().lock();
            try {
                checkLive();
                if (address < base || address > limit - length) {
                    faults.increment();
                    throw new AepException(Errno.EFAULT, "address " + hex(address) + "+" + length
                            + " is outside address space " + id + " [" + hex(base) + ", " + hex(limit) + ")");
                }
                fault = check(address, address + length, write);
                if (fault == null) {
                    accesses.increment();
                    return;
                }
            } catch (RuntimeException e) {
                lock.readLock().unlock();
                throw e;
            }
            lock.readLock().unlock();
            faults.increment();
            if (attempt > pages * 2 + EXTRA_FAULT_RETRIES) {
                throw new AepException(Errno.EFAULT, "address " + hex(fault.address()) + " still faults ("
                        + fault.kind() + ") after " + attempt + " attempts in address space " + id);
            }
            FaultHandler h = handler;
            if (h != null && h.onFault(this, fault)) {
                continue;
            }
            resolve(fault);
        }
    }

    /** The first fault the access would take, or null. Read lock held. */
    private Fault check(long from, long to, boolean write) {
        for (long a = from; a < to;) {
            Region r = regionAt(a);
            if (r == null) {
                return new Fault(id, a, write, FaultKind.NOT_PRESENT);
            }
            if (write ? !r.protection.canWrite() : !r.protection.canRead()) {
                return new Fault(id, a, write, FaultKind.PROTECTION);
            }
            long stop = Math.min(to, r.end());
            if (r.firstFrame < 0 || (write && r.mode == MapMode.COPY_ON_WRITE)) {
                for (long u = r.unitStart(a); u < stop; u += r.unitBytes()) {
                    long at = Math.max(a, u);
                    if (frameAt(r, u) < 0) {
                        return new Fault(id, at, write, FaultKind.NOT_PRESENT);
                    }
                    if (write && copyOnWriteAt(r, u)) {
                        return new Fault(id, at, write, FaultKind.COPY_ON_WRITE);
                    }
                }
            }
            a = stop;
        }
        return null;
    }

    /** The backend's own handling of a fault: fill, copy, or report. */
    private void resolve(Fault fault) {
        lock.writeLock().lock();
        try {
            checkLive();
            long a = fault.address();
            Region r = regionAt(a);
            if (r == null) {
                throw new AepException(Errno.EFAULT, "address " + hex(a) + " is not mapped in address space " + id);
            }
            boolean write = fault.write();
            if (write ? !r.protection.canWrite() : !r.protection.canRead()) {
                throw new AepException(Errno.EACCES, "address " + hex(a) + " is not " + (write ? "writable" : "readable")
                        + " (" + r.protection + ") in address space " + id);
            }
            long unit = r.unitStart(a);
            if (frameAt(r, unit) < 0) {
                fill(r, unit);
            } else if (write && copyOnWriteAt(r, unit)) {
                copy(r, unit);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void fill(Region r, long unit) {
        int order = r.pageSize.order();
        long frame = place(r, unit, order);
        boolean mine = group.isCopyOnWrite(unit);
        List<NativeAddressSpace> where = mine ? List.of(this) : group.members();
        try {
            for (NativeAddressSpace m : where) {
                m.reservation.mapFile(unit - base, r.unitBytes(), pool.file(), frame * FRAME, r.protection, true);
            }
        } catch (AepException e) {
            for (NativeAddressSpace m : where) {
                m.reservation.clear(unit - base, r.unitBytes());
            }
            pool.freeOwned(frame, order);
            throw e;
        }
        pool.retain(frame, r.pageSize.frames());
        if (mine) {
            privateFrames.put(unit, frame);
        } else {
            r.own.put(unit, frame);
        }
    }

    /** Chooses the frame for a demand fill by the placement policy. */
    private long place(Region r, long unit, int order) {
        long pageIndex = (unit - base) / FRAME;
        if (placement == PlacementPolicy.CONTIGUITY_AWARE && r.placementOffset != Long.MIN_VALUE) {
            long f = pool.tryAllocateAt(pageIndex + r.placementOffset, order);
            if (f >= 0) {
                return f;
            }
        }
        long f = pool.allocate(order);
        r.placementOffset = f - pageIndex;
        return f;
    }

    private void copy(Region r, long unit) {
        int order = r.pageSize.order();
        long frames = r.pageSize.frames();
        boolean mine = group.isCopyOnWrite(unit);
        Long held = mine ? privateFrames.get(unit) : null;
        if (held != null && pool.mapCount(held) <= 1) {
            reservation.protect(unit - base, r.unitBytes(), r.protection);
            privateCow.remove(unit);
            return;
        }
        long original = frameAt(r, unit);
        NativeFramePool from = ownerAt(r, unit);
        long frame = pool.allocate(order);
        try {
            pool.copyFrames(from, original, frame, frames);
            for (NativeAddressSpace m : mine ? List.of(this) : group.members()) {
                m.reservation.mapFile(unit - base, r.unitBytes(), pool.file(), frame * FRAME, r.protection, true);
            }
        } catch (AepException e) {
            pool.freeOwned(frame, order);
            throw e;
        }
        pool.retain(frame, frames);
        if (!mine) {
            r.pool.release(original, frames);
            r.own.put(unit, frame);
        } else {
            if (held != null) {
                dropPrivate(held, order);
            }
            privateFrames.put(unit, frame);
            privateCow.remove(unit);
        }
        copies.increment();
    }

    // ---------------------------------------------------------------- queries

    @Override
    public List<Mapping> mappings() {
        lock.readLock().lock();
        try {
            checkLive();
            return regions.values().stream().map(Region::toMapping).toList();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public Optional<Translation> translate(long address) {
        lock.readLock().lock();
        try {
            checkLive();
            Region r = regionAt(address);
            if (r == null) {
                return Optional.empty();
            }
            long unit = r.unitStart(address);
            long frame = frameAt(r, unit);
            if (frame < 0) {
                return Optional.empty();
            }
            long inUnit = address - unit;
            return Optional.of(new Translation(address, frame + inUnit / FRAME, (int) (inUnit % FRAME), r.pageSize,
                    r.protection, copyOnWriteAt(r, unit), false, false));
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public long physicalFrameNumber(long address) {
        lock.readLock().lock();
        try {
            checkLive();
            Region r = regionAt(address);
            long frame = r == null ? -1 : frameAt(r, r.unitStart(address));
            if (frame < 0) {
                throw new AepException(Errno.EFAULT, "address " + hex(address) + " has no page present in address space "
                        + id);
            }
            long page = address & ~(FRAME - 1);
            if (r.protection.canRead()) {
                // a load puts the page into this process's page tables at this very address
                memory.get(ValueLayout.JAVA_BYTE, page - base);
                long pfn = machine.pagemap().frameNumber(reservation.base() + (page - base));
                if (pfn > 0) {
                    return pfn;
                }
            }
            long poolFrame = frame + (address - r.unitStart(address)) / FRAME;
            NativeFramePool owner = ownerAt(r, r.unitStart(address));
            long pfn = machine.pagemap().frameNumber(owner.populatedAddress(poolFrame));
            if (pfn <= 0) {
                throw new AepException(Errno.EFAULT, "address " + hex(address) + " has no physical page present");
            }
            return pfn;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public PageMap pageMap() {
        lock.readLock().lock();
        try {
            checkLive();
            boolean physical = machine.pagemap().readable();
            List<PageMap.Vma> vmas = new ArrayList<>();
            for (Region r : regions.values()) {
                long[] pfns = new long[(int) (r.length / FRAME)];
                for (int i = 0; i < pfns.length; i++) {
                    long a = r.start + i * FRAME;
                    long unit = r.unitStart(a);
                    long f = frameAt(r, unit);
                    if (f < 0) {
                        pfns[i] = PageMap.NOT_PRESENT;
                        continue;
                    }
                    long poolFrame = f + (a - unit) / FRAME;
                    NativeFramePool owner = ownerAt(r, unit);
                    pfns[i] = physical ? machine.pagemap().frameNumber(owner.populatedAddress(poolFrame)) : poolFrame;
                }
                vmas.add(new PageMap.Vma(r.start / FRAME, pfns));
            }
            return new PageMap("space " + id + (physical ? "" : " (pool frame numbers)"), vmas);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void setFaultHandler(FaultHandler handler) {
        checkLive();
        this.handler = handler;
    }

    @Override
    public PlacementPolicy placementPolicy() {
        return placement;
    }

    @Override
    public void setPlacementPolicy(PlacementPolicy policy) {
        checkLive();
        checkNotNull(policy, "placement policy");
        this.placement = policy;
    }

    @Override
    public AccessStats stats() {
        return new AccessStats(accesses.sum(), 0, 0, 0, faults.sum(), copies.sum(), 0, 0);
    }

    @Override
    public void resetStats() {
        accesses.reset();
        faults.reset();
        copies.reset();
    }

    @Override
    public boolean isClosed() {
        return closed || !machine.isActive();
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (Region r : regions.values()) {
                releasePrivate(r.start, r.end(), r.pageSize);
            }
            if (group.leave(this)) {
                for (Region r : regions.values()) {
                    releasePages(r, r.start, r.end());
                }
                regions.clear();
            }
            reservation.close();
        } finally {
            lock.writeLock().unlock();
        }
        machine.forget(this);
    }

    // ---------------------------------------------------------------- views

    /** The frame of a present unit as this member sees it, or -1. */
    private long frameAt(Region r, long unit) {
        if (group.isCopyOnWrite(unit)) {
            Long f = privateFrames.get(unit);
            if (f != null) {
                return f;
            }
            return r.firstFrame < 0 ? -1 : r.firstFrame + (unit - r.start) / FRAME;
        }
        return r.frameOf(unit);
    }

    /** The pool holding the unit's frame: this space's pool for fills and copies, else the mapped pool. */
    private NativeFramePool ownerAt(Region r, long unit) {
        boolean owned = group.isCopyOnWrite(unit) ? privateFrames.containsKey(unit) : r.isOwned(unit);
        return owned ? pool : r.pool;
    }

    /** Whether a store to the present unit must copy it first. */
    private boolean copyOnWriteAt(Region r, long unit) {
        if (group.isCopyOnWrite(unit)) {
            return privateFrames.containsKey(unit) ? privateCow.contains(unit) : r.firstFrame >= 0;
        }
        return r.isCow(unit);
    }

    /** The rights the kernel has for a present unit in this member's reservation. */
    private Protection rightsAt(Region r, long unit) {
        return copyOnWriteAt(r, unit) ? (r.protection.canRead() ? Protection.READ : Protection.NONE) : r.protection;
    }

    /** Gives back this member's frames of copy-on-write units in {@code [from, to)}. Write lock held. */
    private void releasePrivate(long from, long to, PageSize pageSize) {
        var part = privateFrames.subMap(from, to);
        for (long frame : part.values()) {
            dropPrivate(frame, pageSize.order());
        }
        part.clear();
        privateCow.subSet(from, to).clear();
    }

    private void dropPrivate(long frame, int order) {
        pool.releaseOwned(frame, order);
    }

    @Override
    public ViewableSpace createView() {
        lock.writeLock().lock();
        try {
            checkLive();
            int fault = machine.takeViewFault();
            NativeAddressSpace view = machine.newView(this, reservation.size(), fault == 0);
            view.mirrorFaultAt = fault;
            try {
                view.mirror(this);
            } catch (AepException e) {
                view.abandon();
                throw new AepException(Errno.ENOMEM, "no memory for a view of address space " + id + ": "
                        + e.getMessage(), e);
            }
            group.join(view);
            return view;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Maps into this new member's reservation what {@code source} has: every region's given frames in
     * one call, every present unit outside copy-on-write ranges (runs of consecutive frames in one
     * call), and the source's copy-on-write units, which both then hold read-only. Write lock held.
     */
    private void mirror(NativeAddressSpace source) {
        for (Region r : regions.values()) {
            if (r.firstFrame >= 0) {
                mirrorFile(r.start - base, r.length, r.pool.file(), r.firstFrame * FRAME,
                        r.kernelRights(r.start), r.mode == MapMode.SHARED);
            }
            if (r.own != null) {
                mapRuns(r, r.own, r.protection);
            }
            var cow = source.privateFrames.subMap(r.start, r.end());
            for (var e : cow.entrySet()) {
                privateFrames.put(e.getKey(), e.getValue());
                pool.retain(e.getValue(), r.pageSize.frames());
                privateCow.add(e.getKey());
                if (source.privateCow.add(e.getKey()) && r.protection.canWrite()) {
                    source.reservation.protect(e.getKey() - base, r.unitBytes(), rightsAt(r, e.getKey()));
                }
            }
            mapRuns(r, cow, r.protection.canRead() ? Protection.READ : Protection.NONE);
        }
    }

    /** Maps each run of units whose frames follow one another with one call. */
    private void mapRuns(Region r, SortedMap<Long, Long> units, Protection rights) {
        long runUnit = -1;
        long runFrame = -1;
        long runBytes = 0;
        for (var e : units.entrySet()) {
            long u = e.getKey();
            long f = e.getValue();
            if (runBytes > 0 && u == runUnit + runBytes && f == runFrame + runBytes / FRAME) {
                runBytes += r.unitBytes();
                continue;
            }
            if (runBytes > 0) {
                mirrorFile(runUnit - base, runBytes, pool.file(), runFrame * FRAME, rights, true);
            }
            runUnit = u;
            runFrame = f;
            runBytes = r.unitBytes();
        }
        if (runBytes > 0) {
            mirrorFile(runUnit - base, runBytes, pool.file(), runFrame * FRAME, rights, true);
        }
    }

    /** One mapping call of {@link #mirror}; the injected fault of {@link NativeMachine#failNextViewAt} strikes here. */
    private void mirrorFile(long offset, long length, MemoryFile file, long fileOffset, Protection rights,
            boolean shared) {
        if (++mirrorCalls == mirrorFaultAt) {
            throw new AepException(Errno.ENOMEM, "mmap call " + mirrorCalls + " of the view refused (injected fault)");
        }
        reservation.mapFile(offset, length, file, fileOffset, rights, shared);
    }

    /** Undoes a view whose mirroring failed: nothing of the group refers to it yet. */
    private void abandon() {
        closed = true;
        for (var e : privateFrames.entrySet()) {
            Region r = regionAt(e.getKey());
            pool.release(e.getValue(), r == null ? 1 : r.pageSize.frames());
        }
        privateFrames.clear();
        privateCow.clear();
        reservation.close();
        machine.forget(this);
    }

    /** A new member of this space's group on {@code viewReservation}, with this space's addresses. */
    NativeAddressSpace viewOn(long viewId, Reservation viewReservation) {
        return new NativeAddressSpace(machine, viewId, node, pool, viewReservation, base, lock, regions, group);
    }

    @Override
    public int viewCount() {
        lock.readLock().lock();
        try {
            checkLive();
            return group.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void setCopyOnWrite(long address, long length, boolean copyOnWrite) {
        lock.writeLock().lock();
        try {
            checkLive();
            group.checkCopyOnWrite(this, address, length, copyOnWrite, mappings());
            long end = address + length;
            for (Region r : overlapping(address, end)) {
                long lo = Math.max(address, r.start);
                long hi = Math.min(end, r.end());
                if (copyOnWrite) {
                    group.copyOnWrite().add(lo, hi);
                    if (r.own != null) {
                        var moving = r.own.subMap(lo, hi);
                        privateFrames.putAll(moving);
                        moving.clear();
                    }
                } else {
                    group.copyOnWrite().remove(lo, hi);
                    var moving = privateFrames.subMap(lo, hi);
                    if (r.own != null) {
                        r.own.putAll(moving);
                    }
                    moving.clear();
                    for (long u : new ArrayList<>(privateCow.subSet(lo, hi))) {
                        privateCow.remove(u);
                        reservation.protect(u - base, r.unitBytes(), rightsAt(r, u));
                    }
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public List<Mapping> copyOnWriteRanges() {
        lock.readLock().lock();
        try {
            checkLive();
            return group.copyOnWriteRanges(mappings());
        } finally {
            lock.readLock().unlock();
        }
    }

    private void checkLive() {
        if (closed) {
            throw new AepException(Errno.ESTALE, "address space " + id + " is closed");
        }
        machine.checkActive();
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    @Override
    public String toString() {
        return "native address space " + id + " [" + hex(base) + ", " + hex(limit) + ")";
    }
}

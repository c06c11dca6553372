package org.aepdsm.backend.sim;

import java.util.ArrayList;
import java.util.List;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.Mapping;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.backend.common.AddressRanges;
import org.aepdsm.backend.common.CopyOnWriteRanges;
import org.aepdsm.backend.sim.paging.PageTable;
import org.aepdsm.backend.sim.paging.Pte;
import org.aepdsm.backend.sim.phys.PhysicalMemory;

/**
 * The views of one simulated address space (mmview's {@code mm_common}): the member spaces, which
 * share one lock and one VMA list, and the page-table subtrees they share.
 *
 * <pre>
 *   view A: PML4 --> PDPT(A) --+--> PD(shared) --> PT(shared) --> frames     clean 1 GiB slot
 *                              +--> PD(A) --+--> PT(shared)                  clean 2 MiB slot
 *                                           +--> PT(A): leaves, COW in copy-on-write ranges
 *   view B: PML4 --> PDPT(B) --+--> PD(shared)  (the same table frame as A's)
 *                              +--> PD(B) --+--> PT(shared)
 *                                           +--> PT(B)
 * </pre>
 *
 * <p>Layout: a table is <em>private</em> to each member when it is a root or its span meets a
 * copy-on-write range of the {@link #basis} (the ranges as they were when the group last grew from
 * one member; they can change only while the group has one member, and only shrink otherwise);
 * every other table is <em>shared</em>: all members' parent entries point at the same frame, so a
 * change inside it shows in every member at once. Creating a view therefore copies only the
 * private tables (a PML4 and the tables above copy-on-write ranges) and links the rest.
 *
 * <p>Invariants, while the group has two or more members: (1) every entry of a private table that
 * leads to a shared table holds the same pointer in every member; (2) every leaf of a private
 * table outside the copy-on-write ranges equals the other members' leaf for that page (same frame;
 * accessed and dirty bits may differ); (3) leaves inside copy-on-write ranges are each member's
 * own, and a frame two members' leaves share there is marked {@link Pte#SW_COW} and read-only in
 * both; (4) each leaf pins its frames once, so a frame is pinned once per table that maps it and an
 * owned frame (demand fill, copy) is freed when the last leaf that maps it goes. A member changes
 * its own tree with the ordinary {@link PageTable} operations (which write shared tables in place)
 * and then calls the group, which restores (1) and (2) in the other members for the changed range
 * and shoots down their TLB entries for it.
 *
 * <p>Thread-safety: none of its own; every method runs under the members' common lock.
 * Ownership: shared tables belong to the group and are freed by the member whose change empties
 * them; private tables belong to their member.
 */
final class SimViewGroup {
    private static final int ROOT_LEVEL = 4;
    private static final long ENTRY_BYTES = 8;

    private final SimMachine machine;
    private final PhysicalMemory memory;
    private final List<SimAddressSpace> members = new ArrayList<>(2);
    private final AddressRanges copyOnWrite = new AddressRanges();
    private AddressRanges basis = new AddressRanges();

    SimViewGroup(SimMachine machine) {
        this.machine = machine;
        this.memory = machine.memory();
    }

    void join(SimAddressSpace member) {
        members.add(member);
    }

    int size() {
        return members.size();
    }

    boolean isEmpty() {
        return members.isEmpty();
    }

    // ---------------------------------------------------------------- view creation and removal

    /**
     * Makes a member whose tree links every shared table of {@code source} and copies its private
     * ones; pages of copy-on-write ranges become read-only copy-on-write in both.
     */
    SimAddressSpace createView(SimAddressSpace source) {
        if (machine.injectFailure()) {
            throw new AepException(Errno.ENOMEM, "injected allocation failure creating a view of address space "
                    + source.id() + " (seed " + machine.config().seed() + ")");
        }
        if (members.size() == 1) {
            basis = new AddressRanges(copyOnWrite);
        }
        SimAddressSpace view = machine.newView(source);
        long sourceRoot = source.table().root();
        try {
            if (sourceRoot != 0) {
                long root = view.table().allocateTable();
                view.table().adoptRoot(root);
                copyTable(ROOT_LEVEL, sourceRoot, root, 0, view);
            }
        } catch (AepException e) {
            detachTree(view);
            machine.forget(view);
            throw new AepException(Errno.ENOMEM, "no memory for the page tables of a view of address space "
                    + source.id() + ": " + e.getMessage(), e);
        } finally {
            source.tlb().flush();
        }
        members.add(view);
        return view;
    }

    private void copyTable(int level, long from, long to, long tableVa, SimAddressSpace view) {
        int shift = Pte.shift(level);
        for (int i = 0; i < PageTable.ENTRIES; i++) {
            long fromEa = from + i * ENTRY_BYTES;
            long e = memory.readLong(fromEa);
            if (e == 0) {
                continue;
            }
            long va = tableVa + ((long) i << shift);
            if (Pte.isLeaf(e, level)) {
                if (copyOnWrite.covers(va, va + (1L << shift))) {
                    e = (e & ~Pte.RW) | Pte.SW_COW;
                    memory.writeLong(fromEa, e);
                }
                pin(e, level);
                memory.writeLong(to + i * ENTRY_BYTES, e);
            } else if (!isPrivate(level - 1, va)) {
                memory.writeLong(to + i * ENTRY_BYTES, e);
            } else {
                long child = view.table().allocateTable();
                memory.writeLong(to + i * ENTRY_BYTES, child | Pte.TABLE_FLAGS);
                copyTable(level - 1, Pte.address(e), child, va, view);
            }
        }
    }

    /**
     * Takes a closing member out of the group. If others remain, its links to shared tables are
     * cut (those tables stay for the others) and what is left is its own, for the caller to clear.
     */
    void leave(SimAddressSpace member) {
        if (!members.remove(member)) {
            return;
        }
        if (!members.isEmpty()) {
            detachTree(member);
        }
    }

    /** Releases a member's private tables and leaves and cuts its links to shared tables. */
    private void detachTree(SimAddressSpace member) {
        long root = member.table().root();
        if (root != 0) {
            detach(ROOT_LEVEL, root, 0, member);
            member.table().releaseTable(root);
            member.table().adoptRoot(0);
        }
        member.tlb().flush();
    }

    private void detach(int level, long table, long tableVa, SimAddressSpace member) {
        int shift = Pte.shift(level);
        for (int i = 0; i < PageTable.ENTRIES; i++) {
            long ea = table + i * ENTRY_BYTES;
            long e = memory.readLong(ea);
            if (e == 0) {
                continue;
            }
            long va = tableVa + ((long) i << shift);
            if (Pte.isLeaf(e, level)) {
                member.release(va, level, e);
            } else if (isPrivate(level - 1, va)) {
                detach(level - 1, Pte.address(e), va, member);
                member.table().releaseTable(Pte.address(e));
            }
            memory.writeLong(ea, 0);
        }
    }

    // ---------------------------------------------------------------- changes made by one member

    /** After {@code origin} mapped {@code [start, end)}. */
    void mapped(SimAddressSpace origin, long start, long end) {
        syncOthers(origin, start, end);
    }

    /** After {@code origin} unmapped {@code [start, end)}: the range is no longer copy-on-write. */
    void unmapped(SimAddressSpace origin, long start, long end) {
        copyOnWrite.remove(start, end);
        syncOthers(origin, start, end);
    }

    /** After {@code origin} changed the rights of {@code [start, end)}. */
    void reprotected(SimAddressSpace origin, long start, long end, Protection protection) {
        for (SimAddressSpace m : members) {
            if (m != origin) {
                for (long[] r : copyOnWrite.within(start, end)) {
                    m.table().update(r[0], r[1], e -> SimAddressSpace.reprotect(e, protection));
                }
            }
        }
        syncOthers(origin, start, end);
    }

    /** After {@code origin} filled or copied the page holding {@code va}. */
    void faulted(SimAddressSpace origin, long va, PageSize pageSize) {
        if (!copyOnWrite.contains(va)) {
            long page = va & -pageSize.bytes();
            syncOthers(origin, page, page + pageSize.bytes());
        }
    }

    private void syncOthers(SimAddressSpace origin, long start, long end) {
        if (members.size() < 2) {
            return;
        }
        for (SimAddressSpace m : members) {
            if (m != origin) {
                sync(origin, m, start, end);
                m.tlb().invalidate(start, end);
            }
        }
    }

    /** Makes {@code to}'s entries for {@code [start, end)} agree with {@code from}'s outside copy-on-write ranges. */
    private void sync(SimAddressSpace from, SimAddressSpace to, long start, long end) {
        long fromRoot = from.table().root();
        long toRoot = to.table().root();
        if (toRoot == 0) {
            if (fromRoot == 0) {
                return;
            }
            toRoot = to.table().allocateTable();
            to.table().adoptRoot(toRoot);
        }
        syncTable(ROOT_LEVEL, fromRoot, toRoot, 0, start, end, to);
    }

    private void syncTable(int level, long from, long to, long tableVa, long start, long end, SimAddressSpace member) {
        int shift = Pte.shift(level);
        long span = 1L << shift;
        long lo = Math.max(start, tableVa);
        long hi = Math.min(end, tableVa + span * PageTable.ENTRIES);
        if (lo >= hi) {
            return;
        }
        int first = (int) ((lo - tableVa) >>> shift);
        int last = (int) ((hi - 1 - tableVa) >>> shift);
        for (int i = first; i <= last; i++) {
            long va = tableVa + i * span;
            long fe = from == 0 ? 0 : memory.readLong(from + i * ENTRY_BYTES);
            long ea = to + i * ENTRY_BYTES;
            long te = memory.readLong(ea);
            boolean fromLeaf = fe != 0 && Pte.isLeaf(fe, level);
            boolean toLeaf = te != 0 && Pte.isLeaf(te, level);
            if (level > 1 && !isPrivate(level - 1, va)) {
                if (fromLeaf || toLeaf) {
                    syncLeaf(member, va, level, ea, toLeaf ? te : 0, fromLeaf ? fe : 0);
                }
                if (!fromLeaf) {
                    memory.writeLong(ea, fe);
                }
                continue;
            }
            if ((fromLeaf || toLeaf || level == 1) && copyOnWrite.covers(va, va + span)) {
                continue;
            }
            if (level == 1) {
                syncLeaf(member, va, level, ea, te, fe);
                continue;
            }
            if (fromLeaf) {
                if (te != 0 && !toLeaf) {
                    detach(level - 1, Pte.address(te), va, member);
                    member.table().releaseTable(Pte.address(te));
                    memory.writeLong(ea, 0);
                    te = 0;
                }
                syncLeaf(member, va, level, ea, te, fe);
                continue;
            }
            if (toLeaf) {
                syncLeaf(member, va, level, ea, te, 0);
                te = 0;
            }
            if (fe == 0 && te == 0) {
                continue;
            }
            long child = te != 0 ? Pte.address(te) : 0;
            if (child == 0) {
                child = member.table().allocateTable();
                memory.writeLong(ea, child | Pte.TABLE_FLAGS);
            }
            syncTable(level - 1, fe == 0 ? 0 : Pte.address(fe), child, va, start, end, member);
            if (isEmptyTable(child)) {
                member.table().releaseTable(child);
                memory.writeLong(ea, 0);
            }
        }
    }

    /** Replaces a member's leaf by {@code wanted} (0 for none), moving the pins. */
    private void syncLeaf(SimAddressSpace member, long va, int level, long ea, long current, long wanted) {
        if (current == wanted) {
            return;
        }
        if (current != 0 && wanted != 0 && Pte.address(current) == Pte.address(wanted)) {
            memory.writeLong(ea, wanted);
            return;
        }
        if (wanted != 0) {
            pin(wanted, level);
        }
        memory.writeLong(ea, wanted);
        if (current != 0) {
            member.release(va, level, current);
        }
    }

    private void pin(long entry, int level) {
        long pa = Pte.address(entry);
        SimFramePool pool = machine.poolAt(pa);
        if (pool == null) {
            throw new IllegalStateException("leaf points at 0x" + Long.toHexString(pa) + ", in no frame pool");
        }
        pool.pin(SimMachine.frameIn(pool, pa), 1L << (9 * (level - 1)));
    }

    private boolean isEmptyTable(long table) {
        for (int i = 0; i < PageTable.ENTRIES; i++) {
            if (memory.readLong(table + i * ENTRY_BYTES) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether the table at {@code level} covering {@code va} is private to each member. */
    private boolean isPrivate(int level, long va) {
        if (level >= ROOT_LEVEL) {
            return true;
        }
        long span = 1L << (Pte.shift(level) + 9);
        long start = va & -span;
        return basis.intersects(start, start + span);
    }

    // ---------------------------------------------------------------- copy-on-write ranges

    /** UNSHARE and SHARE at the backend: see {@link org.aepdsm.api.memory.ViewableSpace#setCopyOnWrite}. */
    void setCopyOnWrite(SimAddressSpace space, long address, long length, boolean cow, List<Mapping> mappings) {
        List<Mapping> hit = CopyOnWriteRanges.checkChange(space, members.size() - 1, address, length, cow, mappings);
        long end = address + length;
        for (Mapping m : hit) {
            long lo = Math.max(address, m.start());
            long hi = Math.min(end, m.end());
            if (cow) {
                copyOnWrite.add(lo, hi);
            } else {
                copyOnWrite.remove(lo, hi);
            }
        }
    }

    /** The copy-on-write parts of {@code mappings}. */
    List<Mapping> copyOnWriteRanges(List<Mapping> mappings) {
        return CopyOnWriteRanges.of(copyOnWrite, mappings);
    }
}

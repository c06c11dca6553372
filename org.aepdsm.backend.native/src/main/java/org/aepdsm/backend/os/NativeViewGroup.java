package org.aepdsm.backend.os;

import java.util.ArrayList;
import java.util.List;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.MapMode;
import org.aepdsm.api.memory.Mapping;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.backend.common.AddressRanges;

/**
 * The views of one native address space: the member spaces (each its own reservation of this
 * process's virtual memory over the same pool file) and the copy-on-write ranges they share. How
 * the members keep their mappings in sync is described in {@link NativeAddressSpace}.
 *
 * <p>Thread-safety: none of its own; every method runs under the members' common lock (reads under
 * the read lock, changes under the write lock). Ownership: the members belong to their creators;
 * the group only lists them.
 */
final class NativeViewGroup {
    private final List<NativeAddressSpace> members = new ArrayList<>(2);
    private final AddressRanges copyOnWrite = new AddressRanges();

    void join(NativeAddressSpace member) {
        members.add(member);
    }

    /** Takes a closing member out; true if it was the last one, which then releases the shared pages. */
    boolean leave(NativeAddressSpace member) {
        members.remove(member);
        return members.isEmpty();
    }

    /** The open members; iterate under the write lock only. */
    List<NativeAddressSpace> members() {
        return members;
    }

    int size() {
        return members.size();
    }

    boolean isCopyOnWrite(long address) {
        return !copyOnWrite.isEmpty() && copyOnWrite.contains(address);
    }

    AddressRanges copyOnWrite() {
        return copyOnWrite;
    }

    /** The checks of {@link org.aepdsm.api.memory.ViewableSpace#setCopyOnWrite}, in order; throws on the first failure. */
    void checkCopyOnWrite(NativeAddressSpace space, long address, long length, boolean cow, List<Mapping> mappings) {
        if (members.size() > 1) {
            throw new AepException(Errno.EPERM, "address space " + space.id() + " has " + (members.size() - 1)
                    + " other view(s); copy-on-write ranges change only while it has none");
        }
        String range = "0x" + Long.toHexString(address) + "+" + length;
        if ((address & (PageSize.FRAME_BYTES - 1)) != 0) {
            throw new AepException(Errno.EINVAL, "address 0x" + Long.toHexString(address) + " is not aligned to 4096");
        }
        if (length <= 0 || (length & (PageSize.FRAME_BYTES - 1)) != 0) {
            throw new AepException(Errno.EINVAL, "length " + length + " is not a positive multiple of 4096");
        }
        if (address < space.base() || address >= space.limit() || length > space.limit() - address) {
            throw new AepException(Errno.EINVAL, "range " + range + " leaves address space " + space.id());
        }
        long end = address + length;
        List<Mapping> hit = new ArrayList<>();
        for (Mapping m : mappings) {
            if (m.start() < end && m.end() > address) {
                hit.add(m);
            }
        }
        if (hit.isEmpty()) {
            throw new AepException(Errno.EINVAL, "range " + range + " holds no mapping");
        }
        for (Mapping m : hit) {
            for (long edge : new long[] {address, end}) {
                if (m.contains(edge) && !m.pageSize().isAligned(edge)) {
                    throw new AepException(Errno.EINVAL, "range " + range + " splits a " + m.pageSize()
                            + " page of the mapping at 0x" + Long.toHexString(m.start()));
                }
            }
            if (cow && !m.onDemand() && m.mode() == MapMode.SHARED) {
                throw new AepException(Errno.EACCES, "range " + range + " holds the shared mapping of frames at 0x"
                        + Long.toHexString(m.start()) + "+" + m.length() + ", which cannot be copy-on-write");
            }
        }
    }

    /** The copy-on-write parts of {@code mappings}. */
    List<Mapping> copyOnWriteRanges(List<Mapping> mappings) {
        List<Mapping> out = new ArrayList<>();
        for (Mapping m : mappings) {
            for (long[] r : copyOnWrite.within(m.start(), m.end())) {
                long frame = m.onDemand() ? -1 : m.firstFrame() + (r[0] - m.start()) / PageSize.FRAME_BYTES;
                out.add(new Mapping(r[0], r[1] - r[0], frame, m.pageSize(), m.protection(), m.mode()));
            }
        }
        return List.copyOf(out);
    }
}

package org.aepdsm.backend.os;

import java.util.ArrayList;
import java.util.List;

import org.aepdsm.api.memory.Mapping;
import org.aepdsm.backend.common.AddressRanges;
import org.aepdsm.backend.common.CopyOnWriteRanges;

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
        CopyOnWriteRanges.checkChange(space, members.size() - 1, address, length, cow, mappings);
    }

    /** The copy-on-write parts of {@code mappings}. */
    List<Mapping> copyOnWriteRanges(List<Mapping> mappings) {
        return CopyOnWriteRanges.of(copyOnWrite, mappings);
    }
}

package org.aepdsm.backend.common;

import java.util.ArrayList;
import java.util.List;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.MapMode;
import org.aepdsm.api.memory.Mapping;
import org.aepdsm.api.memory.PageSize;

/**
 * The parts of {@link org.aepdsm.api.memory.ViewableSpace#setCopyOnWrite} and
 * {@link org.aepdsm.api.memory.ViewableSpace#copyOnWriteRanges} that do not depend on how a backend
 * maps memory: which requests are refused, and how a group's copy-on-write {@link AddressRanges}
 * read back as mappings. Each backend applies an accepted change to its own page tables or
 * reservations; the checks run first so that a refused call changes nothing.
 *
 * <p>Thread-safety: stateless; callers hold their view group's lock so that the mappings and ranges
 * they pass do not change underneath. Ownership: the lists it returns are new and the caller's.
 */
public final class CopyOnWriteRanges {
    private CopyOnWriteRanges() {
    }

    /**
     * Checks a request to make {@code [address, address + length)} of {@code space} copy-on-write
     * ({@code cow}) or shared again, in the order the API documents, and throws on the first failure.
     *
     * @param space the address space the call came to
     * @param otherViews how many other views share {@code space}'s group; ranges change only at zero
     * @param mappings every mapping of {@code space}, in address order
     * @return the mappings the range overlaps, never empty
     * @throws AepException EPERM while other views exist; EINVAL for a misaligned range, one outside
     *         the space, one holding no mapping or splitting a large page; EACCES when {@code cow}
     *         would cover a shared mapping of given frames
     */
    public static List<Mapping> checkChange(AddressSpace space, int otherViews, long address, long length,
            boolean cow, List<Mapping> mappings) {
        if (otherViews > 0) {
            throw new AepException(Errno.EPERM, "address space " + space.id() + " has " + otherViews
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
        return hit;
    }

    /**
     * The parts of {@code mappings} that lie in {@code copyOnWrite}, each as a mapping of its own
     * whose first frame follows the original's ({@code -1} for on-demand mappings).
     */
    public static List<Mapping> of(AddressRanges copyOnWrite, List<Mapping> mappings) {
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

package org.aepdsm.backend.sim.paging;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;

/**
 * The shape of a {@link Tlb}, with defaults modelled on a recent x86 core (Skylake: 64-entry
 * 4-way L1 for 4 KiB pages, 32-entry 4-way for 2 MiB, 4 entries for 1 GiB, 1536-entry
 * 12-way unified L2). Immutable.
 *
 * @param l1Entries4k L1 entries for 4 KiB pages
 * @param l1Entries2m L1 entries for 2 MiB pages
 * @param l1Entries1g L1 entries for 1 GiB pages
 * @param l1Ways      associativity of each L1 array (capped at its entry count)
 * @param l2Entries   unified L2 entries, all page sizes
 * @param l2Ways      L2 associativity
 */
public record TlbGeometry(int l1Entries4k, int l1Entries2m, int l1Entries1g, int l1Ways, int l2Entries, int l2Ways) {
    public TlbGeometry {
        check("l1Entries4k", l1Entries4k, l1Ways);
        check("l1Entries2m", l1Entries2m, l1Ways);
        check("l1Entries1g", l1Entries1g, l1Ways);
        check("l2Entries", l2Entries, l2Ways);
    }

    /** The default geometry. */
    public static TlbGeometry defaults() {
        return new TlbGeometry(64, 32, 4, 4, 1536, 12);
    }

    private static void check(String name, int entries, int ways) {
        if (entries < 1 || entries > 1 << 20) {
            throw new AepException(Errno.EINVAL, "TLB " + name + " " + entries + " is outside 1.." + (1 << 20));
        }
        if (ways < 1) {
            throw new AepException(Errno.EINVAL, "TLB associativity " + ways + " for " + name + " is below 1");
        }
        int w = Math.min(ways, entries);
        if (entries % w != 0) {
            throw new AepException(Errno.EINVAL, "TLB " + name + " " + entries + " is not a multiple of its "
                    + w + " ways");
        }
    }
}

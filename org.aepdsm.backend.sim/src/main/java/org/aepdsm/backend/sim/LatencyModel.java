package org.aepdsm.backend.sim;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;

/**
 * What the simulated clock charges, in nanoseconds. Immutable.
 *
 * @param localDramNs      a data access to DRAM of the address space's own node
 * @param remoteDramNs     a data access to DRAM of another node
 * @param cxlNs            a data access to the CXL tier
 * @param walkReferenceNs  one page-table entry read by a page walk (page-structure caches and
 *                         the cache hierarchy serve most of them, so less than a DRAM access)
 */
public record LatencyModel(long localDramNs, long remoteDramNs, long cxlNs, long walkReferenceNs) {
    public LatencyModel {
        check("localDramNs", localDramNs);
        check("remoteDramNs", remoteDramNs);
        check("cxlNs", cxlNs);
        check("walkReferenceNs", walkReferenceNs);
    }

    /** Local DRAM 80 ns, remote DRAM 140 ns, CXL 250 ns, 30 ns per walk reference. */
    public static LatencyModel defaults() {
        return new LatencyModel(80, 140, 250, 30);
    }

    private static void check(String name, long ns) {
        if (ns < 0 || ns > 1_000_000) {
            throw new AepException(Errno.EINVAL, "latency " + name + " " + ns + " ns is outside 0..1000000");
        }
    }
}

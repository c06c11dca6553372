package org.aepdsm.backend.sim;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.backend.sim.paging.TlbGeometry;

/**
 * The shape of a {@link SimMachine}. Immutable; two equal configurations build machines that
 * behave identically for the same calls.
 *
 * @param nodes               NUMA nodes, 1..64
 * @param dramBytesPerNode    bytes of each node's frame pool, a multiple of 2 MiB from 2 MiB to 32 GiB
 * @param cxlBytes            bytes of the CXL tier that shared pools are carved from, a multiple of
 *                            2 MiB up to 32 GiB (at least 2 MiB)
 * @param seed                seed of the machine's random choices (injected failures)
 * @param latency             the simulated clock's charges
 * @param tlb                 the TLB shape of every address space
 * @param injectedFailureRate probability, 0..1, that a frame allocation made by a demand fault or a
 *                            copy-on-write fails with {@code ENOMEM} (fault injection; 0 = never)
 */
public record MachineConfig(int nodes, long dramBytesPerNode, long cxlBytes, long seed, LatencyModel latency,
        TlbGeometry tlb, double injectedFailureRate) {
    private static final long MIB = 1L << 20;
    private static final long MAX_TIER_BYTES = 32L << 30;

    public MachineConfig {
        if (nodes < 1 || nodes > 64) {
            throw new AepException(Errno.EINVAL, "node count " + nodes + " is outside 1..64");
        }
        checkTier("dram per node", dramBytesPerNode);
        checkTier("cxl", cxlBytes);
        if (latency == null || tlb == null) {
            throw new AepException(Errno.EINVAL, "latency model and TLB geometry are required");
        }
        if (!(injectedFailureRate >= 0 && injectedFailureRate <= 1)) {
            throw new AepException(Errno.EINVAL, "injected failure rate " + injectedFailureRate + " is outside 0..1");
        }
    }

    /** The defaults of {@link SimBackendConfig}: 2 nodes of 256 MiB, 4 GiB CXL (reserved lazily), seed 42. */
    public static MachineConfig defaults() {
        return new MachineConfig(2, 256 * MIB, 4096 * MIB, 42, LatencyModel.defaults(), TlbGeometry.defaults(), 0);
    }

    /** The defaults with another size: {@code nodes} nodes of {@code dramMiB}, {@code cxlMiB} of CXL. */
    public static MachineConfig of(int nodes, long dramMiB, long cxlMiB) {
        return new MachineConfig(nodes, dramMiB * MIB, cxlMiB * MIB, 42, LatencyModel.defaults(),
                TlbGeometry.defaults(), 0);
    }

    /** This configuration with another TLB shape. */
    public MachineConfig withTlb(TlbGeometry geometry) {
        return new MachineConfig(nodes, dramBytesPerNode, cxlBytes, seed, latency, geometry, injectedFailureRate);
    }

    /** This configuration with fault injection. */
    public MachineConfig withInjectedFailures(double rate, long newSeed) {
        return new MachineConfig(nodes, dramBytesPerNode, cxlBytes, newSeed, latency, tlb, rate);
    }

    /** The configuration ConfigAdmin gave. */
    public static MachineConfig from(SimBackendConfig c) {
        return new MachineConfig(c.nodes(), c.dramMiB() * MIB, c.cxlMiB() * MIB, c.seed(),
                new LatencyModel(c.localDramNs(), c.remoteNs(), c.cxlNs(), c.walkRefNs()),
                new TlbGeometry(c.tlbL1Entries4k(), c.tlbL1Entries2m(), c.tlbL1Entries1g(), c.tlbL1Ways(),
                        c.tlbL2Entries(), c.tlbL2Ways()),
                c.injectedFailureRate());
    }

    private static void checkTier(String name, long bytes) {
        if (bytes < 2 * MIB || bytes > MAX_TIER_BYTES || bytes % (2 * MIB) != 0) {
            throw new AepException(Errno.EINVAL, name + " size " + bytes
                    + " bytes is not a multiple of 2 MiB between 2 MiB and 32 GiB");
        }
    }
}

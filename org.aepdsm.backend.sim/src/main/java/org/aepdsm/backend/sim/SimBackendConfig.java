package org.aepdsm.backend.sim;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The configuration of the simulated backend, PID {@value SimBackendComponent#PID}. Any change
 * other than {@code aepdsm.active} builds a fresh machine; handles of the old one turn stale.
 */
@ObjectClassDefinition(id = SimBackendComponent.PID, name = "AEP-DSM simulated backend",
        description = "A deterministic machine model: nodes with DRAM, a CXL tier, x86-64 page tables, a TLB model")
public @interface SimBackendConfig {
    /** Whether this backend is the active one. */
    @AttributeDefinition(name = "Active", description = "Whether this backend serves; false makes all its handles stale")
    boolean aepdsm_active() default true;

    @AttributeDefinition(name = "Nodes", description = "NUMA nodes of the machine", min = "1", max = "64")
    int nodes() default 2;

    @AttributeDefinition(name = "DRAM per node (MiB)", description = "Frame pool size of each node, a multiple of 2",
            min = "2")
    long dramMiB() default 256;

    @AttributeDefinition(name = "CXL tier (MiB)", description = "Memory shared pools are carved from, a multiple of 2",
            min = "2")
    long cxlMiB() default 4096;

    @AttributeDefinition(name = "Seed", description = "Seed of every random choice of the model")
    long seed() default 42;

    @AttributeDefinition(name = "Injected failure rate", description = "Probability (0..1) that a demand or "
            + "copy-on-write frame allocation fails with ENOMEM", min = "0", max = "1")
    double injectedFailureRate() default 0.0;

    @AttributeDefinition(name = "Local DRAM latency (ns)", min = "0")
    long localDramNs() default 80;

    @AttributeDefinition(name = "Remote DRAM latency (ns)", min = "0")
    long remoteNs() default 140;

    @AttributeDefinition(name = "CXL latency (ns)", min = "0")
    long cxlNs() default 250;

    @AttributeDefinition(name = "Page-walk reference latency (ns)", min = "0")
    long walkRefNs() default 30;

    @AttributeDefinition(name = "L1 TLB entries, 4 KiB pages", min = "1")
    int tlbL1Entries4k() default 64;

    @AttributeDefinition(name = "L1 TLB entries, 2 MiB pages", min = "1")
    int tlbL1Entries2m() default 32;

    @AttributeDefinition(name = "L1 TLB entries, 1 GiB pages", min = "1")
    int tlbL1Entries1g() default 4;

    @AttributeDefinition(name = "L1 TLB associativity", min = "1")
    int tlbL1Ways() default 4;

    @AttributeDefinition(name = "L2 TLB entries (all page sizes)", min = "1")
    int tlbL2Entries() default 1536;

    @AttributeDefinition(name = "L2 TLB associativity", min = "1")
    int tlbL2Ways() default 12;
}

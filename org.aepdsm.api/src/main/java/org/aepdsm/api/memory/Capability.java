package org.aepdsm.api.memory;

/**
 * What a backend can do. Immutable.
 */
public enum Capability {
    /** Page tables are real x86-64 4-level tables stored in frames and walked on access. */
    PAGE_TABLES,
    /** A TLB model counts hits, misses and page-walk references. */
    TLB_MODEL,
    /** Physical frame numbers of mapped pages can be read. */
    PHYSICAL_FRAMES,
    /** A CXL-like {@link SharedPool} is available. */
    SHARED_POOL,
    /** A shared pool can be mapped by several operating-system processes at once. */
    MULTI_PROCESS,
    /** The {@link ProtectionDomain} enforces isolation in hardware or in the model. */
    ISOLATION,
    /** 2 MiB pages can be mapped. */
    HUGE_PAGES_2M,
    /** 1 GiB pages can be mapped. */
    HUGE_PAGES_1G,
    /** Results are the same for the same seed and inputs. */
    DETERMINISTIC
}

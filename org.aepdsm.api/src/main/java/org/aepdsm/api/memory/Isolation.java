package org.aepdsm.api.memory;

/**
 * How a {@link ProtectionDomain} keeps client code out of the isolated space. Immutable.
 */
public enum Isolation {
    /** No isolation: the isolated space is ordinary memory. The backend says so; it never pretends. */
    NONE,
    /** The machine model checks every access it mediates against the domain. */
    SIMULATED,
    /** Memory protection keys ({@code pkey_mprotect}, PKRU) enforced by the CPU. */
    PKEY
}

package org.aepdsm.backend.os.ffm;

import java.lang.invoke.MethodHandle;

import org.aepdsm.api.AepException;

/**
 * x86-64 memory protection keys: {@code pkey_alloc}/{@code pkey_free}/{@code pkey_mprotect}
 * through {@code syscall} (glibc may lack wrappers) and the per-thread PKRU register through
 * glibc's {@code pkey_set} ({@code rdpkru}/{@code wrpkru}).
 *
 * <p>Safety: {@code pkey_set} executes {@code wrpkru} without asking the CPU first; on a CPU
 * without PKU that is an illegal instruction that kills the JVM. {@link #setRights} therefore
 * does nothing until {@link #allocate} has succeeded once in this process, which proves the CPU
 * and kernel support keys.
 *
 * <p>Thread-safety: stateless apart from that one-way flag; PKRU is per thread, so
 * {@link #setRights} affects the calling thread only.
 */
public final class ProtectionKeys {
    /** Rights value: no loads or stores to pages with the key. */
    public static final int DISABLE_ACCESS = 1;
    /** Rights value: loads only. */
    public static final int DISABLE_WRITE = 2;

    private static final MethodHandle PKEY_SET = Posix.PKEY_SET.orElse(null);
    private static volatile boolean proven;

    private ProtectionKeys() {
    }

    /**
     * Allocates a key; {@code initialRights} apply to the calling thread (other threads keep what
     * their PKRU says for the key, which for threads of a fresh process is the kernel's default).
     *
     * @return the key, 1..15
     * @throws AepException the mapped errno of {@code pkey_alloc} (EINVAL or EOPNOTSUPP without
     *                      hardware support, ENOSPC mapped to EIO when all keys are taken)
     */
    public static int allocate(int initialRights) {
        if (PKEY_SET == null) {
            throw new AepException(org.aepdsm.api.Errno.EOPNOTSUPP, "the C library has no pkey_set (glibc < 2.27)");
        }
        if (initialRights < 0 || initialRights > 3) {
            throw new AepException(org.aepdsm.api.Errno.EINVAL, "rights " + initialRights + " are not 0..3");
        }
        long key = Posix.syscall(Posix.SYS_PKEY_ALLOC, 0, initialRights);
        if (key < 0) {
            throw Posix.failure("pkey_alloc(0, " + initialRights + ")", (int) -key);
        }
        proven = true;
        return (int) key;
    }

    /** Frees a key allocated by {@link #allocate}. Errors are ignored: the key is gone either way. */
    public static void free(int key) {
        if (key > 0 && key < 16) {
            Posix.syscall(Posix.SYS_PKEY_FREE, key, 0);
        }
    }

    static long pkeyMprotect(long address, long length, int prot, int key) {
        return Posix.syscall(Posix.SYS_PKEY_MPROTECT, address, length, prot, key);
    }

    /**
     * Sets the calling thread's rights for {@code key}. The hot path: allocates nothing, never throws.
     *
     * @return 0, or -1 if keys are not proven to work or the key or rights are out of range
     */
    public static int setRights(int key, int rights) {
        if (!proven || key < 1 || key > 15 || rights < 0 || rights > 3) {
            return -1;
        }
        try {
            return (int) PKEY_SET.invokeExact(key, rights);
        } catch (Throwable t) {
            return -1;
        }
    }

    /** The calling thread's rights for {@code key}, or -1 if keys are not proven to work. */
    public static int rights(int key) {
        MethodHandle get = Posix.PKEY_GET.orElse(null);
        if (!proven || get == null || key < 1 || key > 15) {
            return -1;
        }
        try {
            return (int) get.invokeExact(key);
        } catch (Throwable t) {
            return -1;
        }
    }
}

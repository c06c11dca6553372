package org.aepdsm.backend.os;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.Isolation;
import org.aepdsm.api.memory.ProtectionDomain;
import org.aepdsm.api.memory.SharedPool;
import org.aepdsm.backend.common.ThreadNesting;
import org.aepdsm.backend.os.ffm.ProtectionKeys;

/*
 * The protection domain of the native backend, enforced by a memory protection key when the CPU
 * and kernel have them (Isolation.PKEY), else only bookkeeping (Isolation.NONE).
 *
 * With a key K: isolate() tags pages of a shared pool's mapping with K (pkey_mprotect). Access to
 * them is then decided by the PKRU register of the thread that touches them:
 *   - the thread that built the machine: denied (the key is allocated with PKEY_DISABLE_ACCESS);
 *   - other threads of this process: whatever their PKRU says for K; the kernel starts processes
 *     with every key but 0 denied, and threads inherit PKRU from their creator, so in practice
 *     denied unless a thread set K's rights itself;
 *   - a thread inside enter()..leave(): allowed (pkey_set(K, 0) on the outermost enter,
 *     pkey_set(K, PKEY_DISABLE_ACCESS) on the matching leave).
 * A denied access is a SIGSEGV the JVM does not survive: that is the isolation. Nothing the JVM
 * does on its own (GC, JIT) reads native memory, so only code that touches the pool segment can
 * trip it. PKRU belongs to the carrier thread: a virtual thread that blocks between enter and leave
 * may continue on a carrier without the rights (and leave the rights on the old one), so the
 * entry path must not block inside the domain.
 *
 * depth is a per-thread nesting counter; its int[1] cell is made on a thread's first use, so
 * enter/leave allocate nothing afterwards and never throw.
 */
/**
 * The native {@link ProtectionDomain}.
 *
 * <p>Ownership: owned by its {@link NativeMachine}, which frees the key on shutdown.
 * Thread-safety: all methods may be called from any thread; inside/outside is per thread.
 */
final class KeyedProtectionDomain implements ProtectionDomain {
    private final NativeMachine machine;
    private final int key;
    private final String unavailable;
    private final ThreadNesting nesting = new ThreadNesting();

    private KeyedProtectionDomain(NativeMachine machine, int key, String unavailable) {
        this.machine = machine;
        this.key = key;
        this.unavailable = unavailable;
    }

    /** A domain with a fresh key, or without isolation (and a warning) if keys cannot be had. */
    static KeyedProtectionDomain create(NativeMachine machine) {
        try {
            return new KeyedProtectionDomain(machine, ProtectionKeys.allocate(ProtectionKeys.DISABLE_ACCESS), null);
        } catch (AepException e) {
            String reason = e.getMessage();
            System.getLogger(KeyedProtectionDomain.class.getName()).log(System.Logger.Level.WARNING,
                    "memory protection keys unavailable, the native backend runs with isolation NONE: " + reason);
            return new KeyedProtectionDomain(machine, -1, reason);
        }
    }

    @Override
    public Isolation isolation() {
        return key > 0 ? Isolation.PKEY : Isolation.NONE;
    }

    /** The key, or -1 without isolation. */
    int key() {
        return key;
    }

    /** Why there is no isolation; empty with a key. */
    String unavailableReason() {
        return unavailable == null ? "" : unavailable;
    }

    @Override
    public void isolate(SharedPool pool, long offset, long length) {
        machine.checkActive();
        if (!(pool instanceof NativeSharedPool p) || p.machine() != machine || !p.isOpen()) {
            throw new AepException(Errno.EINVAL, "shared pool " + (pool == null ? "null" : pool.name())
                    + " is not an open pool of this native backend");
        }
        if ((offset & 4095) != 0 || (length & 4095) != 0 || length <= 0 || offset < 0
                || offset > p.size() - length) {
            throw new AepException(Errno.EINVAL, "range " + offset + "+" + length + " of shared pool " + p.name()
                    + " (" + p.size() + " bytes) is not 4096-aligned inside it");
        }
        if (key > 0) {
            p.mapping().protectWithKey(offset, length, key);
        }
    }

    @Override
    public void enter() {
        grant(nesting.pass());
    }

    @Override
    public void enter(Object pass) {
        grant(nesting.mine(pass));
    }

    @Override
    public void leave() {
        release(nesting.pass());
    }

    @Override
    public void leave(Object pass) {
        release(nesting.mine(pass));
    }

    @Override
    public Object passOfThisThread() {
        return nesting.pass();
    }

    /** Enters one level of the calling thread's nesting {@code p}; the outermost enter opens the key's rights. */
    private void grant(ThreadNesting.Pass p) {
        if (ThreadNesting.enter(p) && key > 0) {
            ProtectionKeys.setRights(key, 0);
        }
    }

    /** Leaves one level of the calling thread's nesting {@code p}; the outermost leave drops the rights. */
    private void release(ThreadNesting.Pass p) {
        if (ThreadNesting.leave(p) && key > 0) {
            ProtectionKeys.setRights(key, ProtectionKeys.DISABLE_ACCESS);
        }
    }

    @Override
    public boolean isInside() {
        return nesting.inside();
    }

    /** Gives the key back; pools tagged with it must be unmapped first. */
    void close() {
        if (key > 0) {
            ProtectionKeys.free(key);
        }
    }
}

package org.aepdsm.backend.os;

import static org.aepdsm.testkit.Errors.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.Capability;
import org.aepdsm.api.memory.Isolation;
import org.aepdsm.api.memory.ProtectionDomain;
import org.aepdsm.api.memory.SharedPool;
import org.aepdsm.api.memory.SharedPoolSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The protection domain: honest about its isolation, nesting per thread, and (where the CPU has
 * protection keys) a real fault outside the domain, proven in a child JVM that must die of it.
 */
class KeyedProtectionDomainTest {
    private NativeMachine machine;
    private ProtectionDomain domain;
    private Path shm;

    @BeforeEach
    void start() {
        machine = TestMachines.small();
        domain = machine.protectionDomain();
    }

    @AfterEach
    void stop() throws IOException {
        machine.shutdown();
        if (shm != null) {
            Files.deleteIfExists(shm);
        }
    }

    @Test
    void theInfoSaysWhatIsolationThereIs() {
        boolean keys = domain.isolation() == Isolation.PKEY;
        assertEquals(keys, machine.info().has(Capability.ISOLATION));
        assertEquals(domain.isolation(), machine.info().isolation());
        assertEquals(keys, machine.info().details().get("pkeys").startsWith("available"),
                machine.info().details().get("pkeys"));
        if (!keys) {
            assertEquals(Isolation.NONE, domain.isolation(), "without keys the domain never pretends");
        }
    }

    @Test
    void aPassLeavesTheDomainItEnteredAndNestsWithPlainEnter() {
        Object outer = domain.enterWithPass();
        domain.enter();
        domain.leave();
        assertTrue(domain.isInside(), "still inside the pass's enter");
        domain.leave(outer);
        assertFalse(domain.isInside());
        domain.leave(outer);
        assertFalse(domain.isInside(), "an unmatched leave with a pass is ignored");
        Object again = domain.enterWithPass();
        domain.leave(null);
        assertFalse(domain.isInside(), "a null pass leaves as leave() does");
        domain.leave(again);
        assertFalse(domain.isInside());
    }

    @Test
    void enterAndLeaveNestPerThread() throws Exception {
        assertFalse(domain.isInside());
        domain.enter();
        domain.enter();
        domain.leave();
        assertTrue(domain.isInside(), "still inside the outer enter");
        boolean[] other = new boolean[1];
        Thread t = new Thread(() -> other[0] = domain.isInside());
        t.start();
        t.join();
        assertFalse(other[0], "another thread is outside");
        domain.leave();
        assertFalse(domain.isInside());
        domain.leave();
        assertFalse(domain.isInside(), "an unmatched leave is ignored");
    }

    @Test
    void isolateChecksTheRange() {
        shm = Path.of("/dev/shm", "aepdsm-test-" + ProcessHandle.current().pid() + "-domain");
        SharedPool pool = machine.openSharedPool(new SharedPoolSpec(shm.getFileName().toString(), 1L << 20, false));
        assertErrno(Errno.EINVAL, () -> domain.isolate(pool, 100, 4096));
        assertErrno(Errno.EINVAL, () -> domain.isolate(pool, 0, 2L << 20));
        assertErrno(Errno.EINVAL, () -> domain.isolate(null, 0, 4096));
        domain.isolate(pool, 4096, 4096);
        domain.enter();
        try {
            pool.segment().set(ValueLayout.JAVA_LONG, 4096, 7);
            assertEquals(7, pool.segment().get(ValueLayout.JAVA_LONG, 4096), "inside the domain the range works");
        } finally {
            domain.leave();
        }
    }

    @Test
    void aKeptPassCountsOnlyOnItsOwnThread() throws Exception {
        Object mine = domain.passOfThisThread();
        assertFalse(domain.isInside(), "taking the pass does not enter");
        domain.enter(mine);
        domain.enter();
        assertTrue(domain.isInside());
        boolean[] seen = new boolean[3];
        Thread t = new Thread(() -> {
            seen[0] = domain.isInside();
            domain.enter(mine);
            seen[1] = domain.isInside();
            domain.leave(mine);
            seen[2] = domain.isInside();
        });
        t.start();
        t.join();
        assertFalse(seen[0], "the other thread starts outside");
        assertTrue(seen[1], "another thread's pass enters for the calling thread");
        assertFalse(seen[2], "and leaves for it");
        domain.leave();
        assertTrue(domain.isInside(), "the owner's depth was not touched by the other thread");
        domain.leave(mine);
        assertFalse(domain.isInside());
        domain.enter(null);
        assertTrue(domain.isInside(), "a null pass enters as enter() does");
        domain.leave(null);
        assertFalse(domain.isInside());
    }

    /**
     * Two threads inside with one thread's pass, both writing the isolated page: with protection keys each must
     * have got the key's rights for itself (a thread that did not would die of the fault); without keys the run
     * checks only that both entered and left.
     */
    @Test
    void aPassUsedOnAnotherThreadGivesThatThreadTheRights(@TempDir Path work) throws Exception {
        shm = Path.of("/dev/shm", "aepdsm-test-" + ProcessHandle.current().pid() + "-pkey-pass");
        ChildJvm.Result r = ChildJvm.run(work, IsolationChild.class, shm.getFileName().toString(), "travelled");
        assertEquals(0, r.exitCode(), r.output());
    }

    /**
     * With protection keys, an access outside the domain kills the process; without them the backend
     * says isolation NONE and the same access goes through, exactly as reported. Either way the access
     * inside the domain works.
     */
    @Test
    void outsideTheDomainAnIsolatedRangeFaultsExactlyWhenKeysIsolate(@TempDir Path work) throws Exception {
        shm = Path.of("/dev/shm", "aepdsm-test-" + ProcessHandle.current().pid() + "-pkey");
        ChildJvm.Result inside = ChildJvm.run(work, IsolationChild.class, shm.getFileName().toString(), "inside");
        assertEquals(0, inside.exitCode(), inside.output());
        ChildJvm.Result outside = ChildJvm.run(work, IsolationChild.class, shm.getFileName().toString(), "outside");
        if (domain.isolation() != Isolation.PKEY) {
            assertEquals(IsolationChild.SURVIVED, outside.exitCode(),
                    "without protection keys (" + machine.info().details().get("pkeys")
                            + ") nothing stops the access, and the backend says so: " + outside.output());
            return;
        }
        assertNotEquals(0, outside.exitCode(), "an access outside the domain must kill the process: "
                + outside.output());
        assertNotEquals(IsolationChild.SURVIVED, outside.exitCode(), outside.output());
        // HotSpot reports the protection-key fault as a fatal SIGSEGV; a JVM that maps it to an
        // InternalError instead has still been stopped by the CPU
        assertTrue(outside.output().contains("SIGSEGV") || outside.output().contains("InternalError"),
                outside.output());
    }
}

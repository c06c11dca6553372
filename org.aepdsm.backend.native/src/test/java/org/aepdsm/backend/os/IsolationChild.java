package org.aepdsm.backend.os;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.aepdsm.api.memory.ProtectionDomain;
import org.aepdsm.api.memory.SharedPool;
import org.aepdsm.api.memory.SharedPoolSpec;

/**
 * The process {@link KeyedProtectionDomainTest} expects to die: isolates a page of a shared pool
 * (args[0]) and touches it inside ("inside", exit 0), inside on two threads with one thread's pass ("travelled",
 * exit 0), or outside ("outside") the domain. Outside, a
 * protection-key fault kills the JVM; if it survives it exits {@value #SURVIVED}, which is what a machine
 * without protection keys (isolation NONE) must do: it does not pretend to isolate.
 */
public final class IsolationChild {
    /** Exit code when the access outside the domain was not stopped. */
    public static final int SURVIVED = 42;

    private IsolationChild() {
    }

    public static void main(String[] args) throws Exception {
        NativeMachine machine = new NativeMachine(new NativeMachine.Settings(2L << 20, Path.of("/dev/shm")));
        ProtectionDomain domain = machine.protectionDomain();
        SharedPool pool = machine.openSharedPool(new SharedPoolSpec(args[0], 1L << 20, false));
        Files.deleteIfExists(Path.of("/dev/shm", args[0]));
        domain.isolate(pool, 8192, 4096);
        if (args[1].equals("travelled")) {
            // A pass taken on this thread and used on another: each thread must get the key's rights for itself
            // while it is inside, so both writes go through. The other thread starts while this one is outside (a
            // new thread inherits its creator's rights) and enters only once this one is inside.
            Object mine = domain.passOfThisThread();
            Throwable[] failed = new Throwable[1];
            CountDownLatch ownerInside = new CountDownLatch(1);
            Thread other = new Thread(() -> {
                try {
                    ownerInside.await();
                    domain.enter(mine);
                    pool.segment().set(ValueLayout.JAVA_LONG, 8192, 2);
                    domain.leave(mine);
                } catch (Throwable t) {
                    failed[0] = t;
                }
            });
            other.start();
            domain.enter(mine);
            ownerInside.countDown();
            other.join();
            pool.segment().set(ValueLayout.JAVA_LONG, 8200, 3);
            domain.leave(mine);
            machine.shutdown();
            System.exit(failed[0] == null && !domain.isInside() ? 0 : 1);
        }
        if (args[1].equals("inside")) {
            domain.enter();
            pool.segment().set(ValueLayout.JAVA_LONG, 8192, 1);
            domain.leave();
            machine.shutdown();
            System.exit(0);
        }
        pool.segment().set(ValueLayout.JAVA_LONG, 8192, 1);
        System.exit(SURVIVED);
    }
}

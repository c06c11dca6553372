package org.aepdsm.backend.os;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

import org.aepdsm.api.memory.SharedPool;
import org.aepdsm.api.memory.SharedPoolSpec;

/**
 * The second process of {@link NativeSharedPoolTest}: attaches to the pool named by args[0], checks
 * the parent's value at offset 0, writes args[1] at offset 8 and exits 0 (3 if the parent's value
 * is not there).
 */
public final class SharedPoolChild {
    private SharedPoolChild() {
    }

    public static void main(String[] args) {
        NativeMachine machine = new NativeMachine(new NativeMachine.Settings(2L << 20, Path.of("/dev/shm")));
        try (SharedPool pool = machine.openSharedPool(new SharedPoolSpec(args[0], 0, true))) {
            long parent = pool.segment().get(ValueLayout.JAVA_LONG, 0);
            if (parent != Long.parseLong(args[2])) {
                System.err.println("parent's value " + parent + " is not " + args[2]);
                System.exit(3);
            }
            pool.segment().set(ValueLayout.JAVA_LONG, 8, Long.parseLong(args[1]));
        } finally {
            machine.shutdown();
        }
        System.exit(0);
    }
}

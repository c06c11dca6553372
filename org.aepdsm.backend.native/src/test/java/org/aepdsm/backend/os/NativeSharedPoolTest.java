package org.aepdsm.backend.os;

import static org.aepdsm.testkit.Errors.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.Capability;
import org.aepdsm.api.memory.SharedPool;
import org.aepdsm.api.memory.SharedPoolSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shared pools: /dev/shm files several processes map, devices, and their errors. */
class NativeSharedPoolTest {
    private static final long SIZE = 1L << 20;

    private NativeMachine machine;
    private final List<Path> made = new ArrayList<>();

    @BeforeEach
    void start() {
        machine = TestMachines.small();
    }

    @AfterEach
    void stop() throws IOException {
        machine.shutdown();
        for (Path p : made) {
            Files.deleteIfExists(p);
        }
    }

    private String freshName(String what) {
        String name = "aepdsm-test-" + ProcessHandle.current().pid() + "-" + what;
        made.add(Path.of("/dev/shm", name));
        return name;
    }

    @Test
    void aCreatedPoolIsZeroedAndAnAttachSeesItsBytes() {
        String name = freshName("attach");
        SharedPool first = machine.openSharedPool(new SharedPoolSpec(name, SIZE, false));
        assertTrue(first.created());
        assertEquals(SIZE, first.size());
        assertEquals(-1, first.segment().mismatch(MemorySegment.ofArray(new byte[(int) SIZE])));
        first.segment().set(ValueLayout.JAVA_LONG, 4096, 0xFEEDL);
        try (SharedPool second = machine.openSharedPool(new SharedPoolSpec(name, 0, true))) {
            assertFalse(second.created());
            assertEquals(SIZE, second.size(), "an attach takes the existing pool's size");
            assertEquals(0xFEEDL, second.segment().get(ValueLayout.JAVA_LONG, 4096));
            second.segment().set(ValueLayout.JAVA_LONG, 0, 77);
        }
        assertEquals(77, first.segment().get(ValueLayout.JAVA_LONG, 0), "both mappings are the same memory");
        first.close();
    }

    @Test
    void creatingAgainResetsThePool() {
        String name = freshName("reset");
        try (SharedPool p = machine.openSharedPool(new SharedPoolSpec(name, SIZE, false))) {
            p.segment().set(ValueLayout.JAVA_LONG, 0, 5);
        }
        try (SharedPool p = machine.openSharedPool(new SharedPoolSpec(name, 2 * SIZE, false))) {
            assertEquals(2 * SIZE, p.size());
            assertEquals(0, p.segment().get(ValueLayout.JAVA_LONG, 0));
        }
    }

    @Test
    void aSecondProcessAttachesAndItsStoreIsSeenHere(@TempDir Path work) throws Exception {
        assertTrue(machine.info().has(Capability.MULTI_PROCESS));
        String name = freshName("two-processes");
        try (SharedPool pool = machine.openSharedPool(new SharedPoolSpec(name, SIZE, false))) {
            pool.segment().set(ValueLayout.JAVA_LONG, 0, 1234);
            ChildJvm.Result r = ChildJvm.run(work, SharedPoolChild.class, name, "987654321", "1234");
            assertEquals(0, r.exitCode(), r.output());
            assertEquals(987654321L, pool.segment().get(ValueLayout.JAVA_LONG_UNALIGNED, 8),
                    "the child's store is in this process's mapping");
        }
    }

    @Test
    void aMissingDeviceIsEnodevNamingThePath() {
        assertFalse(Files.exists(Path.of("/dev/dax0.0")), "this test needs a machine without /dev/dax0.0");
        assertErrno(Errno.ENODEV, "/dev/dax0.0", () -> machine.openSharedPool(
                new SharedPoolSpec("/dev/dax0.0", 2L << 20, false)));
        assertErrno(Errno.ENODEV, "/dev/dax0.0", () -> machine.openSharedPool(
                new SharedPoolSpec("/dev/dax0.0", 2L << 20, true)));
    }

    @Test
    void attachingToAMissingPoolIsEnoentNamingThePath() {
        String name = freshName("missing");
        assertErrno(Errno.ENOENT, "/dev/shm/" + name, () -> machine.openSharedPool(new SharedPoolSpec(name, 0, true)));
    }

    @Test
    void badNamesAndSizesAreEinval() {
        assertErrno(Errno.EINVAL, "a/b", () -> machine.openSharedPool(new SharedPoolSpec("a/b", SIZE, false)));
        assertErrno(Errno.EINVAL, "..", () -> machine.openSharedPool(new SharedPoolSpec("..", SIZE, false)));
        assertErrno(Errno.EINVAL, () -> machine.openSharedPool(new SharedPoolSpec("", SIZE, false)));
        assertErrno(Errno.EINVAL, () -> machine.openSharedPool(new SharedPoolSpec("/dev/../etc/x", SIZE, false)));
        String name = freshName("badsize");
        assertErrno(Errno.EINVAL, "100", () -> machine.openSharedPool(new SharedPoolSpec(name, 100, false)));
        assertErrno(Errno.EINVAL, () -> machine.openSharedPool(new SharedPoolSpec(name, 0, false)));
    }

    @Test
    void aClosedPoolsSegmentIsUnreachable() {
        SharedPool p = machine.openSharedPool(new SharedPoolSpec(freshName("closed"), SIZE, false));
        MemorySegment bytes = p.segment();
        p.close();
        assertFalse(p.isOpen());
        assertThrows(IllegalStateException.class, () -> bytes.get(ValueLayout.JAVA_BYTE, 0));
        assertErrno(Errno.ESTALE, p::segment);
        p.close();
    }

    @Test
    void shutdownMakesOpenPoolsUnreachable() {
        SharedPool p = machine.openSharedPool(new SharedPoolSpec(freshName("shutdown"), SIZE, false));
        MemorySegment bytes = p.segment();
        machine.shutdown();
        assertFalse(p.isOpen());
        assertThrows(IllegalStateException.class, () -> bytes.set(ValueLayout.JAVA_LONG, 0, 1));
        assertErrno(Errno.ESTALE, () -> machine.openSharedPool(new SharedPoolSpec("x", SIZE, false)));
    }
}

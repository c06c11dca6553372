package org.aepdsm.morsel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.api.morsel.Morsel;
import org.aepdsm.backend.os.NativeMachine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A morsel exported by this JVM and mapped by a second JVM: the same bytes, stores seen both ways. */
class CrossProcessMorselTest {
    static final long CHILD_SLOT = 5L << 20;
    static final long PARENT_SLOT = CHILD_SLOT + 64;
    static final long DONE = 0xD0_4E_D0_4EL;
    private static final long SEED = 7_2024L;
    private static final long SIZE = 8L << 20;

    private NativeMachine machine;
    private MorselRegistry morsels;

    @BeforeEach
    void start() {
        machine = new NativeMachine(NativeMachine.Settings.defaults());
        morsels = new MorselRegistry(machine);
    }

    @AfterEach
    void stop() {
        machine.shutdown();
    }

    @Test
    void aSecondJvmMapsTheExportedRangeAndStoresAreSeenBothWays(@TempDir Path work) throws Exception {
        Morsel m = morsels.create(0, SIZE);
        AddressSpace space = machine.createAddressSpace(0, 1L << 30);
        long at = space.base();
        m.map(space, at, Protection.READ_WRITE);
        SplittableRandom random = new SplittableRandom(SEED);
        for (long page = 0; page < SIZE / 4096; page += 97) {
            space.putLong(at + page * 4096, random.nextLong());
        }
        String handle = m.export().handle();

        Path log = work.resolve("child.log");
        Process child = new ProcessBuilder(javaCommand(), "--enable-native-access=ALL-UNNAMED",
                "-XX:-CreateCoredumpOnCrash", "-cp", System.getProperty("java.class.path"),
                MorselImportChild.class.getName(), handle, String.valueOf(SEED))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            long seen = 0;
            while (seen == 0 && child.isAlive() && System.nanoTime() < deadline) {
                seen = space.getLong(at + CHILD_SLOT);
                Thread.onSpinWait();
            }
            assertEquals(child.pid(), seen, "the child's store of its pid is in this process's mapping (seed "
                    + SEED + "); child log:\n" + read(log));
            space.putLong(at + PARENT_SLOT, ~child.pid());
            assertTrue(child.waitFor(90, TimeUnit.SECONDS), "the child finished");
            assertEquals(0, child.exitValue(), "child log:\n" + read(log));
        } finally {
            child.destroyForcibly();
        }
        assertEquals(DONE, space.getLong(at + CHILD_SLOT + 8), "the child saw this process's answer");
        assertEquals(Errno.EBUSY, assertThrows(AepException.class, m::destroy).errno(), "still mapped");
        m.unmap(space);
        assertEquals(Errno.EBUSY, assertThrows(AepException.class, m::destroy).errno(), "still exported");
        m.unexport();
        m.destroy();
        assertEquals(List.of(), morsels.list());
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static String read(Path log) throws java.io.IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no output)";
    }
}

package org.aepdsm.allocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.aepdsm.allocator.FsckReport.Kind;
import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.api.memory.SharedPool;
import org.aepdsm.api.memory.SharedPoolSpec;
import org.aepdsm.api.ownership.ObjectInfo;
import org.aepdsm.api.ownership.Topology;
import org.aepdsm.backend.os.NativeMachine;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real processes on a real /dev/shm pool, a real SIGKILL: a victim process (clients 0..3, node 0) and a
 * survivor process (clients 4..7, node 1) allocate, link, free and send objects to each other
 * ({@link CrashClient}); the victim is killed at a point drawn from the seed, the survivor goes on for a while
 * and stops; then this process recovers the victim's clients and checks the pool.
 *
 * <p>Asserted, for every seed: after RECOVER of the dead clients, fsck finds no leaked, doubly owned or corrupt
 * object, no pending redo record and no broken span list; anything else it finds is one of the residues a kill
 * between an atomic step and its record can leave (leaked page or block, a chain holding a block twice, a
 * mailbox cell reserved and never published, COUNT off), and after {@link AepAllocator#sweep()} fsck is clean;
 * every object the survivor holds is live, its own, with the payload and reference it wrote; the dead clients
 * keep only objects that are still referenced.
 */
class CrossProcessCrashTest {
    private static final Set<Kind> KILL_RESIDUE = EnumSet.of(Kind.PAGE_MAP, Kind.LEAKED_BLOCK,
            Kind.FREE_AND_ALLOCATED, Kind.SPAN_ACCOUNTING, Kind.MAILBOX, Kind.COUNTERS);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 23, 37, 41})
    void killedClientProcessIsRecoveredByAnotherProcess(long seed) throws Exception {
        String name = "aepdsm-crash-" + ProcessHandle.current().pid() + "-" + seed;
        NativeMachine machine = new NativeMachine(new NativeMachine.Settings(2L << 20, Path.of("/dev/shm")));
        SharedPool pool = machine.openSharedPool(new SharedPoolSpec(name, 64L << 20, false));
        Process victim = null;
        Process survivor = null;
        try {
            MemorySegment mem = pool.segment();
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
            AepAllocator a = AepAllocator.open(mem, new Topology(2, 4), 64, false, quiet);
            a.init();
            Path stop = dir.resolve("stop-" + seed);
            Path held = dir.resolve("held-" + seed);
            victim = start("victim-" + seed, name, "0", "4", "4", Long.toString(seed));
            survivor = start("survivor-" + seed, name, "4", "4", "0", Long.toString(seed * 31 + 7), stop.toString(),
                    "20000", held.toString());
            long killAt = 3000 + new Random(seed).nextInt(40_000);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (calls(a, 0, 4) < killAt) {
                if (!victim.isAlive() || System.nanoTime() > deadline) {
                    fail("seed " + seed + ": victim stopped or stalled before call " + killAt + ": "
                            + log("victim-" + seed));
                }
                Thread.onSpinWait();
            }
            victim.destroyForcibly();
            assertTrue(victim.waitFor(30, TimeUnit.SECONDS), "victim did not die");
            long killedAfter = calls(a, 0, 4);
            Files.writeString(stop, "stop");
            assertTrue(survivor.waitFor(120, TimeUnit.SECONDS), "seed " + seed + ": survivor did not finish");
            assertEquals(0, survivor.exitValue(), "seed " + seed + ": survivor failed: " + log("survivor-" + seed));

            long reclaimed = 0;
            for (int c = 0; c < 4; c++) {
                long rc = a.call(ShadowEntry.RECOVER, c, 0, 0, 0);
                assertTrue(rc >= 0, "RECOVER " + c + " answered " + rc);
                reclaimed += rc;
            }
            FsckReport before = new ConsistencyChecker(a).check();
            for (FsckReport.Problem p : before.problems()) {
                assertTrue(KILL_RESIDUE.contains(p.kind()), "seed " + seed + ": after RECOVER: " + p);
            }
            long repairs = a.sweep();
            FsckReport after = new ConsistencyChecker(a).check();
            assertTrue(after.clean(), "seed " + seed + ": after sweep: " + after.problems());
            if (before.clean()) {
                assertEquals(0, repairs, "a clean pool needs no repair");
            }

            List<String> lines = Files.readAllLines(held, StandardCharsets.UTF_8);
            for (String line : lines) {
                String[] f = line.split(" ");
                long h = Long.parseUnsignedLong(f[0], 16);
                int owner = Integer.parseInt(f[1]);
                long target = Long.parseUnsignedLong(f[2], 16);
                Optional<ObjectInfo> info = a.describe(h);
                assertTrue(info.isPresent(), "seed " + seed + ": survivor's object " + f[0] + " is gone");
                assertEquals(owner, info.get().owner(), "owner of " + f[0]);
                assertTrue(CrashClient.intact(mem, h, info.get().size()), "payload of " + f[0]);
                assertEquals(target, mem.get(ValueLayout.JAVA_LONG, CrashClient.dataOf(h)), "slot of " + f[0]);
                if (target != 0) {
                    assertTrue(a.describe(target).orElseThrow().references() > 0, "references of " + f[2]);
                }
            }
            for (int c = 0; c < 4; c++) {
                for (ObjectInfo o : a.ownedBy(c)) {
                    assertTrue(o.references() > 0, "seed " + seed + ": dead client " + c + " still owns "
                            + o + " with no reference");
                }
            }
            System.out.printf("seed %d: victim killed after %d calls (drawn %d); reclaimed %d; survivor holds %d;"
                    + " fsck after RECOVER: %s; sweep repairs %d%n", seed, killedAfter, killAt, reclaimed,
                    lines.size(), before.clean() ? "clean" : before.problems(), repairs);
        } finally {
            if (victim != null) {
                victim.destroyForcibly().waitFor();
            }
            if (survivor != null) {
                survivor.destroyForcibly().waitFor();
            }
            pool.close();
            machine.shutdown();
            Files.deleteIfExists(Path.of("/dev/shm", name));
        }
    }

    private static long calls(AepAllocator a, int first, int count) {
        long n = 0;
        for (int c = first; c < first + count; c++) {
            for (int op = 0; op < 16; op++) {
                n += a.words().lv(a.layout().client(c) + PoolLayout.C_CALLS + 8L * op);
            }
        }
        return n;
    }

    private Process start(String tag, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-XX:-CreateCoredumpOnCrash", "-XX:+UseSerialGC", "-Xshare:auto", "-cp",
                System.getProperty("java.class.path"), CrashClient.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(tag + ".log").toFile())
                .start();
    }

    private String log(String tag) throws IOException {
        return Files.readString(dir.resolve(tag + ".log"), StandardCharsets.UTF_8);
    }
}

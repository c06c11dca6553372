package org.aepdsm.backend.sim;

import static org.aepdsm.testkit.Errors.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.ProtectionDomain;
import org.aepdsm.api.memory.SharedPool;
import org.aepdsm.api.memory.SharedPoolSpec;
import org.aepdsm.api.memory.Tier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class SharedPoolTest {
    private final SimMachine machine = new SimMachine(MachineConfig.of(1, 16, 8));

    @AfterEach
    void shutdown() {
        machine.shutdown();
    }

    @Test
    void attachingSeesTheSameBytes() {
        SharedPool a = machine.openSharedPool(new SharedPoolSpec("heap", 1L << 20, false));
        assertTrue(a.created());
        assertEquals(1L << 20, a.segment().byteSize());
        a.segment().set(ValueLayout.JAVA_LONG, 4096, 77);
        SharedPool b = machine.openSharedPool(new SharedPoolSpec("heap", 0, true));
        assertFalse(b.created());
        assertEquals(1L << 20, b.size());
        assertEquals(77, b.segment().get(ValueLayout.JAVA_LONG, 4096));
        assertEquals(Tier.CXL, machine.cxlPool().tier());
        assertEquals((8L << 20) / 4096, machine.cxlPool().frameCount(), "the 8 MiB CXL tier");
    }

    @Test
    void aCreatedPoolAsksForTransparentHugePages() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/sys/kernel/mm/transparent_hugepage")),
                "this kernel has no transparent huge pages");
        SharedPool p = machine.openSharedPool(new SharedPoolSpec("huge", 6L << 20, false));
        long start = p.segment().address();
        long huge = (start + (2L << 20) - 1) & -(2L << 20);
        assertTrue(huge + (2L << 20) <= start + p.size(), "a 6 MiB pool holds a whole aligned 2 MiB page");
        assertTrue(vmFlags(huge).contains("hg"), "the pool's mapping is advised for huge pages: " + vmFlags(huge));
        p.segment().set(ValueLayout.JAVA_LONG, huge - start, 42);
        assertEquals(42, p.segment().get(ValueLayout.JAVA_LONG, huge - start));
        assertEquals(0, p.segment().get(ValueLayout.JAVA_LONG, p.size() - 8), "the advice keeps the bytes zero");
    }

    /** The {@code VmFlags} line of the mapping of this process that holds {@code address}. */
    private static List<String> vmFlags(long address) throws IOException {
        boolean inside = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                String[] range = line.substring(0, line.indexOf(' ')).split("-");
                inside = Long.compareUnsigned(Long.parseUnsignedLong(range[0], 16), address) <= 0
                        && Long.compareUnsigned(address, Long.parseUnsignedLong(range[1], 16)) < 0;
            } else if (inside && line.startsWith("VmFlags:")) {
                return List.of(line.substring("VmFlags:".length()).trim().split(" "));
            }
        }
        throw new AssertionError("no mapping holds 0x" + Long.toHexString(address));
    }

    @Test
    void attachingToAnUnknownNameIsEnoent() {
        assertErrno(Errno.ENOENT, "nowhere", () -> machine.openSharedPool(new SharedPoolSpec("nowhere", 4096, true)));
    }

    @Test
    void creatingAnExistingNameResetsItToZero() {
        SharedPool a = machine.openSharedPool(new SharedPoolSpec("p", 8192, false));
        a.segment().set(ValueLayout.JAVA_BYTE, 10, (byte) 3);
        SharedPool again = machine.openSharedPool(new SharedPoolSpec("p", 8192, false));
        assertTrue(again.created());
        assertEquals(0, a.segment().get(ValueLayout.JAVA_BYTE, 10), "the same bytes, zeroed for everyone");
    }

    @Test
    void badAndOversizedSizesAreRefusedByName() {
        assertErrno(Errno.EINVAL, "100", () -> machine.openSharedPool(new SharedPoolSpec("x", 100, false)));
        assertErrno(Errno.EINVAL, "0", () -> machine.openSharedPool(new SharedPoolSpec("x", 0, false)));
        assertErrno(Errno.ENOMEM, String.valueOf(16L << 20),
                () -> machine.openSharedPool(new SharedPoolSpec("x", 16L << 20, false)));
        assertErrno(Errno.ENOENT, "x", () -> machine.openSharedPool(new SharedPoolSpec("x", 4096, true)));
        assertEquals(machine.cxlPool().frameCount(), machine.cxlPool().freeFrames(), "refusals left nothing behind");
    }

    @Test
    void closingOneHandleMakesOnlyItsSegmentInaccessible() {
        SharedPool a = machine.openSharedPool(new SharedPoolSpec("p", 4096, false));
        SharedPool b = machine.openSharedPool(new SharedPoolSpec("p", 4096, true));
        var seg = a.segment();
        a.close();
        a.close();
        assertFalse(a.isOpen());
        assertThrows(IllegalStateException.class, () -> seg.get(ValueLayout.JAVA_BYTE, 0));
        assertErrno(Errno.ESTALE, a::segment);
        b.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
        SharedPool c = machine.openSharedPool(new SharedPoolSpec("p", 0, true));
        assertEquals(1, c.segment().get(ValueLayout.JAVA_BYTE, 0), "the pool itself stays");
    }

    @Test
    void regionsOfDifferentPoolsDoNotOverlap() {
        SharedPool a = machine.openSharedPool(new SharedPoolSpec("a", 3 * 4096, false));
        SharedPool b = machine.openSharedPool(new SharedPoolSpec("b", 5 * 4096, false));
        a.segment().fill((byte) 1);
        b.segment().fill((byte) 2);
        for (long i = 0; i < a.size(); i++) {
            assertEquals(1, a.segment().get(ValueLayout.JAVA_BYTE, i));
        }
        assertEquals(machine.cxlPool().frameCount() - 8, machine.cxlPool().freeFrames(), "exactly 3 + 5 frames");
    }

    @Test
    void theProtectionDomainNestsPerThreadAndRecordsIsolatedRanges() throws Exception {
        SharedPool p = machine.openSharedPool(new SharedPoolSpec("meta", 16 * 4096, false));
        ProtectionDomain d = machine.protectionDomain();
        SimProtectionDomain sim = (SimProtectionDomain) d;
        d.isolate(p, 4096, 2 * 4096);
        assertTrue(sim.isIsolated(p, 8192, 8));
        assertFalse(sim.isIsolated(p, 3 * 4096, 4096));
        assertFalse(sim.permits(p, 4096, 1));
        d.enter();
        d.enter();
        d.leave();
        assertTrue(d.isInside());
        assertTrue(sim.permits(p, 4096, 1));
        boolean[] otherInside = new boolean[1];
        Thread t = new Thread(() -> otherInside[0] = d.isInside());
        t.start();
        t.join();
        assertFalse(otherInside[0], "the depth is per thread");
        d.leave();
        d.leave();
        assertFalse(d.isInside(), "an unmatched leave is ignored");
        assertErrno(Errno.EINVAL, "0x10", () -> d.isolate(p, 0x10, 4096));
        assertErrno(Errno.EINVAL, () -> d.isolate(p, 0, 17 * 4096));
        assertErrno(Errno.EINVAL, () -> d.isolate(p, 0, 0));
    }

    @Test
    void aKeptPassCountsOnlyOnItsOwnThread() throws Exception {
        SharedPool p = machine.openSharedPool(new SharedPoolSpec("meta", 16 * 4096, false));
        ProtectionDomain d = machine.protectionDomain();
        SimProtectionDomain sim = (SimProtectionDomain) d;
        d.isolate(p, 0, 4096);
        Object mine = d.passOfThisThread();
        assertFalse(d.isInside(), "taking the pass does not enter");
        d.enter(mine);
        d.enter(mine);
        d.leave(mine);
        assertTrue(sim.permits(p, 0, 8));
        boolean[] seen = new boolean[4];
        Thread t = new Thread(() -> {
            seen[0] = d.isInside();
            d.enter(mine);
            seen[1] = d.isInside();
            seen[2] = sim.permits(p, 0, 8);
            d.leave(mine);
            seen[3] = d.isInside();
        });
        t.start();
        t.join();
        assertFalse(seen[0], "the other thread starts outside");
        assertTrue(seen[1] && seen[2], "another thread's pass enters for the calling thread");
        assertFalse(seen[3], "and leaves for it");
        assertTrue(d.isInside(), "the owner's depth was not touched by the other thread");
        d.leave(mine);
        assertFalse(d.isInside());
        assertFalse(sim.permits(p, 0, 8));
        d.enter(null);
        assertTrue(d.isInside(), "a null pass enters as enter() does");
        d.leave(null);
        assertFalse(d.isInside());
    }

    @Test
    void aPassLeavesTheDomainItEnteredAndNestsWithPlainEnter() {
        SharedPool p = machine.openSharedPool(new SharedPoolSpec("meta", 16 * 4096, false));
        ProtectionDomain d = machine.protectionDomain();
        SimProtectionDomain sim = (SimProtectionDomain) d;
        d.isolate(p, 0, 4096);
        Object outer = d.enterWithPass();
        d.enter();
        Object inner = d.enterWithPass();
        d.leave(inner);
        d.leave();
        assertTrue(d.isInside(), "still inside the outer pass");
        assertTrue(sim.permits(p, 0, 8));
        d.leave(outer);
        assertFalse(d.isInside());
        assertFalse(sim.permits(p, 0, 8));
        d.leave(outer);
        assertFalse(d.isInside(), "an unmatched leave with a pass is ignored");
        d.leave(null);
        assertFalse(d.isInside(), "a null pass leaves as leave() does");
    }
}

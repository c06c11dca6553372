package org.aepdsm.backend.os;

import static org.aepdsm.testkit.Errors.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.FrameRun;
import org.aepdsm.api.memory.LinkCost;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.api.memory.SubtreeExport;
import org.aepdsm.api.memory.SubtreeSet;
import org.aepdsm.api.memory.SubtreeSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Exports and attaches of morsel ranges between two machines of this JVM (the same system calls another
 * process makes: open /proc/pid/fd/n, mmap of the range), the pins, and run-level map counts.
 */
class NativeSubtreeExportTest {
    private static final long MIB = 1L << 20;

    private NativeMachine owner;
    private NativeMachine other;
    private SubtreeSupport ownerSets;
    private SubtreeSupport otherSets;

    @BeforeEach
    void start() {
        owner = TestMachines.small();
        other = TestMachines.small();
        ownerSets = owner.subtrees().orElseThrow();
        otherSets = other.subtrees().orElseThrow();
    }

    @AfterEach
    void stop() {
        other.shutdown();
        owner.shutdown();
    }

    @Test
    void anAttachedSetMapsTheExportersBytesWithOneMmapAndStoresAreSeenBothWays() {
        SubtreeSet set = ownerSets.build(0, 8 * MIB, Protection.READ_WRITE);
        AddressSpace a = owner.createAddressSpace(0, 64 * MIB);
        set.link(a, a.base(), Protection.READ_WRITE);
        a.putLong(a.base() + 5 * MIB, 0x0123_4567_89abL);
        SubtreeExport export = set.export();
        assertTrue(export.file().matches("/proc/" + ProcessHandle.current().pid() + "/fd/[0-9]+"), export.file());
        assertEquals(set.frameRuns(), export.runs());
        assertEquals(8 * MIB, export.size());
        assertEquals(export, SubtreeExport.parse(export.handle()));

        SubtreeSet attached = otherSets.attach(SubtreeExport.parse(export.handle()), Protection.READ_WRITE);
        assertEquals(8 * MIB, attached.size());
        assertEquals(ProcessHandle.current().pid(), attached.ownerProcess());
        AddressSpace b = other.createAddressSpace(0, 64 * MIB);
        LinkCost c = attached.link(b, b.base() + 16 * MIB, Protection.READ_WRITE);
        assertEquals(1, c.systemCalls(), "one run, one mmap");
        assertEquals(0x0123_4567_89abL, b.getLong(b.base() + 21 * MIB), "the exporter's store is there");
        b.putLong(b.base() + 16 * MIB + 8, 77);
        assertEquals(77, a.getLong(a.base() + 8), "the importer's store is in the exporter's memory");
        assertEquals(set.leaderEntry(4096) >>> 12 & 0xFFFF_FFFFFL, attached.leaderEntry(4096) >>> 12 & 0xFFFF_FFFFFL,
                "both sides name the same pool frame");
        assertEquals(a.translate(a.base()).orElseThrow().frame(), b.translate(b.base() + 16 * MIB).orElseThrow().frame());

        attached.unlink(b);
        attached.populate(b, b.base(), Protection.READ);
        assertEquals(77, b.getLong(b.base() + 8), "the page-by-page baseline maps the same bytes");
        assertErrno(Errno.EACCES, () -> b.putLong(b.base(), 1));
        attached.unlink(b);
        attached.close();
        assertTrue(attached.isClosed());
        assertEquals(77, a.getLong(a.base() + 8), "detaching frees nothing of the exporter's");
    }

    @Test
    void anExportPinsTheSetUntilUnexported() {
        SubtreeSet set = ownerSets.build(0, 4 * MIB, Protection.READ_WRITE);
        SubtreeExport first = set.export();
        assertTrue(set.exported());
        assertEquals(first, set.export(), "exporting again returns the same export");
        assertErrno(Errno.EBUSY, first.file(), set::close);
        assertErrno(Errno.EBUSY, () -> set.resize(8 * MIB));
        assertFalse(set.isClosed());
        set.unexport();
        assertFalse(set.exported());
        set.resize(8 * MIB);
        set.close();
        assertErrno(Errno.ESTALE, set::export);
    }

    @Test
    void anAttachedSetCannotBeResizedAndItsPoolAllocatesNothing() {
        SubtreeSet set = ownerSets.build(0, 4 * MIB, Protection.READ_WRITE);
        SubtreeSet attached = otherSets.attach(set.export(), Protection.READ_WRITE);
        assertErrno(Errno.EPERM, String.valueOf(ProcessHandle.current().pid()), () -> attached.resize(2 * MIB));
        NativeFramePool borrowed = (NativeFramePool) ((NativeSubtreeSet) attached).frameRunsPool();
        assertTrue(borrowed.isBorrowed());
        assertErrno(Errno.EPERM, () -> borrowed.allocate(0));
        assertErrno(Errno.EPERM, () -> borrowed.free(set.frameRuns().get(0).first(), 9));
        other.shutdown();
        assertTrue(attached.isClosed());
        assertErrno(Errno.ESTALE, borrowed::freeFrames);
        set.unexport();
        set.close();
    }

    @Test
    void onlyTheExportedBlocksCanBeMappedFromTheBorrowedPool() {
        SubtreeSet set = ownerSets.build(0, 2 * MIB, Protection.READ_WRITE);
        SubtreeSet attached = otherSets.attach(set.export(), Protection.READ_WRITE);
        NativeFramePool borrowed = ((NativeSubtreeSet) attached).frameRunsPool();
        long first = set.frameRuns().get(0).first();
        AddressSpace b = other.createAddressSpace(0, 64 * MIB);
        long elsewhere = first == 0 ? 512 : 0;
        assertErrno(Errno.EINVAL, String.valueOf(elsewhere), () -> b.map(b.base(), 2 * MIB, borrowed, elsewhere,
                org.aepdsm.api.memory.PageSize.SIZE_4K, Protection.READ, org.aepdsm.api.memory.MapMode.SHARED));
        attached.close();
        set.unexport();
        set.close();
    }

    @Test
    void handlesThatDoNotNamePoolMemoryAreRefused() {
        SubtreeSet set = ownerSets.build(0, 2 * MIB, Protection.READ_WRITE);
        SubtreeExport good = set.export();
        List<FrameRun> runs = good.runs();
        assertErrno(Errno.EINVAL, "/etc/hostname", () -> otherSets.attach(new SubtreeExport("/etc/hostname", runs),
                Protection.READ));
        assertErrno(Errno.EINVAL, "/proc/self/fd/0", () -> otherSets.attach(
                new SubtreeExport("/proc/self/fd/0", runs), Protection.READ));
        assertErrno(Errno.EINVAL, () -> otherSets.attach(new SubtreeExport("/dev/shm/../etc/x", runs),
                Protection.READ));
        assertErrno(Errno.EINVAL, "100+512", () -> otherSets.attach(
                new SubtreeExport(good.file(), List.of(new FrameRun(100, 512))), Protection.READ));
        assertErrno(Errno.EINVAL, "leave", () -> otherSets.attach(
                new SubtreeExport(good.file(), List.of(new FrameRun(1L << 20, 512))), Protection.READ));
        assertErrno(Errno.ENOENT, "/proc/999999999/fd/3", () -> otherSets.attach(
                new SubtreeExport("/proc/999999999/fd/3", runs), Protection.READ));
        assertErrno(Errno.EINVAL, "x@1", () -> SubtreeExport.parse("x@1"));
        assertErrno(Errno.EINVAL, () -> SubtreeExport.parse("no-runs"));
        assertErrno(Errno.EINVAL, "0+0", () -> SubtreeExport.parse("/proc/1/fd/2@0+0"));
        SubtreeExport twoRuns = SubtreeExport.parse("/dev/shm/p@0+512,2048+1024");
        assertEquals(List.of(new FrameRun(0, 512), new FrameRun(2048, 1024)), twoRuns.runs());
        assertEquals("/dev/shm/p@0+512,2048+1024", twoRuns.handle());
        assertEquals(0, other.framePool(0).frameCount() - other.framePool(0).freeFrames(),
                "failed attaches leave nothing allocated");
        set.unexport();
        set.close();
    }

    @Test
    void aFrameInsideAMappedMorselCannotBeFreedAndTheCountIsOneRange() {
        SubtreeSet set = ownerSets.build(0, 8 * MIB, Protection.READ_WRITE);
        NativeFramePool pool = (NativeFramePool) owner.framePool(0);
        AddressSpace a = owner.createAddressSpace(0, 64 * MIB);
        AddressSpace b = owner.createAddressSpace(0, 64 * MIB);
        set.link(a, a.base(), Protection.READ_WRITE);
        set.populate(b, b.base(), Protection.READ_WRITE);
        long block = set.frameRuns().get(0).first() + 1024;
        assertEquals(2, pool.mapCount(block + 7));
        assertErrno(Errno.EBUSY, "frame " + block + " of the block at frame " + block, () -> pool.free(block, 9));
        b.unmap(b.base() + 2 * MIB, 2 * MIB);
        assertEquals(1, pool.mapCount(set.frameRuns().get(0).first() + 512), "a partial unmap drops that range");
        assertEquals(2, pool.mapCount(block));
        set.unlink(a);
        set.unlink(b);
        assertEquals(0, pool.mapCount(block));
        set.close();
        assertEquals(pool.frameCount(), pool.freeFrames());
    }
}

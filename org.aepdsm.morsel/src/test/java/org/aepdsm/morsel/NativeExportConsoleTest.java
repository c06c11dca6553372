package org.aepdsm.morsel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.SubtreeExport;
import org.aepdsm.backend.os.NativeMachine;
import org.aepdsm.backend.sim.MachineConfig;
import org.aepdsm.backend.sim.SimMachine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * morsel:export, morsel:import and morsel:unexport on the native backend: two runtimes' worth of
 * machines in this JVM (the importer opens the exporter's /proc/self/fd descriptor, as another process
 * would open /proc/pid/fd), and the cross-process evaluation's table.
 */
class NativeExportConsoleTest {
    private static final long MIB = 1L << 20;

    private NativeMachine exporter;
    private NativeMachine importer;
    private MorselConsole here;
    private MorselConsole there;

    @BeforeEach
    void start() {
        exporter = new NativeMachine(NativeMachine.Settings.defaults());
        importer = new NativeMachine(NativeMachine.Settings.defaults());
        MorselRegistry a = new MorselRegistry(exporter);
        MorselRegistry b = new MorselRegistry(importer);
        here = new MorselConsole(() -> a, () -> exporter);
        there = new MorselConsole(() -> b, () -> importer);
    }

    @AfterEach
    void stop() {
        importer.shutdown();
        exporter.shutdown();
    }

    @Test
    void exportPrintsAHandleThatImportMapsElsewhere() {
        here.create("4M", 0);
        here.space(List.of("1G"));
        here.map("1", "1", "0x" + Long.toHexString(exporter.addressSpace(1).orElseThrow().base()), "rw");
        AddressSpace source = exporter.addressSpace(1).orElseThrow();
        source.putLong(source.base() + 3 * MIB, 0xabcdefL);
        String exported = here.export("1");
        assertTrue(exported.startsWith("morsel 1 exported (4 MiB, 1 run; destroy and resize wait for morsel:unexport): "
                + "/proc/" + ProcessHandle.current().pid() + "/fd/"), exported);
        String handle = exported.substring(exported.lastIndexOf(' ') + 1);
        assertEquals(4 * MIB, SubtreeExport.parse(handle).size());

        there.space(List.of("1G"));
        AddressSpace target = importer.addressSpace(1).orElseThrow();
        String at = "0x" + Long.toHexString(target.base() + 2 * MIB);
        String imported = there.importMorsel(handle, "1", at, "rw");
        assertTrue(imported.startsWith("morsel 1 (4 MiB of process " + ProcessHandle.current().pid()
                + ") mapped in address space 1 at " + at + ": 0 page-table entries"), imported);
        assertEquals(0xabcdefL, target.getLong(target.base() + 5 * MIB));
        assertTrue(here.list().contains("(exported)"), here.list());
        assertTrue(there.list().contains("[1] (attached from process " + ProcessHandle.current().pid() + ")"),
                there.list());
        target.putLong(target.base() + 2 * MIB, 99);
        assertEquals(99, source.getLong(source.base()));

        AepException pinned = assertThrows(AepException.class, () -> {
            here.unmap("1", "1");
            here.destroy("1");
        });
        assertEquals(Errno.EBUSY, pinned.errno());
        assertTrue(pinned.getMessage().contains(handle), pinned.getMessage());
        assertEquals("morsel 1 is no longer exported", here.unexport("1"));
        assertEquals("morsel 1 destroyed", here.destroy("1"));
        assertEquals(0, target.getLong(target.base() + 2 * MIB),
                "once the exporter frees the frames the importer's mapping is still memory: the freed, zeroed frames");
    }

    @Test
    void aRefusedImportLeavesNoMorselBehind() {
        here.create("2M", 0);
        String exported = here.export("1");
        String handle = exported.substring(exported.lastIndexOf(' ') + 1);
        there.space(List.of("1G"));
        long base = importer.addressSpace(1).orElseThrow().base();
        AepException unaligned = assertThrows(AepException.class,
                () -> there.importMorsel(handle, "1", "0x" + Long.toHexString(base + 4096), "rw"));
        assertEquals(Errno.EINVAL, unaligned.errno());
        assertEquals("no morsels", there.list());
        assertEquals(Errno.EINVAL, assertThrows(AepException.class,
                () -> there.importMorsel("/etc/hostname@0+512", "1", "0x" + Long.toHexString(base), "rw")).errno());
        assertEquals(Errno.EINVAL, assertThrows(AepException.class,
                () -> there.importMorsel("garbage", "1", "0x" + Long.toHexString(base), "rw")).errno());
        assertEquals("no morsels", there.list());
    }

    @Test
    void aBackendWithoutProcessesRefusesExportWithEopnotsupp() {
        SimMachine sim = new SimMachine(MachineConfig.of(1, 256, 2));
        try {
            MorselRegistry r = new MorselRegistry(sim);
            MorselConsole console = new MorselConsole(() -> r, () -> sim);
            console.create("2M", 0);
            assertEquals(Errno.EOPNOTSUPP, assertThrows(AepException.class, () -> console.export("1")).errno());
        } finally {
            sim.shutdown();
        }
    }

    @Test
    void theCrossProcessTableComparesOneMmapWithCopyAndPopulate() {
        List<CrossProcessEvaluation.Row> rows = new CrossProcessEvaluation(exporter, 0).runHere(List.of(2 * MIB,
                64 * MIB, 512 * MIB));
        assertEquals(3, rows.size());
        assertEquals(1, rows.get(0).runs());
        assertTrue(rows.get(0).copyNs() >= 0, "a 2 MiB copy fits in the pool");
        assertTrue(rows.get(2).skipped() != null, "512 MiB does not fit a 256 MiB pool");
        String table = CrossProcessEvaluation.table("native", "this process", rows);
        assertTrue(table.contains("map vs copy") && table.contains("64 MiB") && table.contains("skipped"), table);
        assertEquals(exporter.framePool(0).frameCount(), exporter.framePool(0).freeFrames(), "everything was freed");
    }
}

package org.aepdsm.morsel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.backend.sim.MachineConfig;
import org.aepdsm.backend.sim.SimMachine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MorselConsoleTest {
    private SimMachine machine;
    private MorselConsole console;

    @BeforeEach
    void start() {
        machine = new SimMachine(MachineConfig.of(1, 256, 2));
        MorselRegistry registry = new MorselRegistry(machine);
        console = new MorselConsole(() -> registry, () -> machine);
    }

    @AfterEach
    void stop() {
        machine.shutdown();
    }

    @Test
    void createMapTransferViewAndList() {
        assertEquals("morsel 1: 64 MiB on node 0 (32 x 2 MiB subtrees)", console.create("64M", 0));
        String s1 = console.space(List.of());
        assertTrue(s1.startsWith("address space 1: 0x100000000000-0x100400000000 (16 GiB)"), s1);
        console.space(List.of("4G"));
        String map = console.map("1", "1", "0x100000000000", "rw");
        assertTrue(map.startsWith("morsel 1 mapped in address space 1 at 0x100000000000: 34 page-table entries"), map);
        String move = console.transfer("1", "1", "2", "");
        assertTrue(move.startsWith("morsel 1 moved from address space 1 to 2 at 0x100000000000"), move);
        String list = console.list();
        assertTrue(list.contains("64 MiB") && list.contains("[2]"), list);
        String view = console.view("1", "ept", 2);
        assertTrue(view.contains("entries built 2") && view.contains("RW- type WB ipat"), view);
    }

    @Test
    void refusalsNameTheBadValue() {
        console.create("4M", 0);
        console.space(List.of("1G"));
        AepException unknown = assertThrows(AepException.class, () -> console.map("9", "1", "0x100000000000", ""));
        assertEquals(Errno.ENOENT, unknown.errno());
        assertTrue(unknown.getMessage().contains("morsel 9"));
        AepException noSpace = assertThrows(AepException.class, () -> console.map("1", "5", "0x100000000000", ""));
        assertEquals(Errno.ENOENT, noSpace.errno());
        AepException unaligned = assertThrows(AepException.class, () -> console.map("1", "1", "0x100000001000", ""));
        assertEquals(Errno.EINVAL, unaligned.errno());
        assertTrue(unaligned.getMessage().contains("0x100000001000"), unaligned.getMessage());
        console.space(List.of("close", "1"));
        assertEquals(Errno.ENOENT, assertThrows(AepException.class,
                () -> console.map("1", "1", "0x100000000000", "")).errno());
        assertEquals(Errno.EINVAL, assertThrows(AepException.class, () -> console.create("3M", 0)).errno());
        assertEquals(Errno.EINVAL, assertThrows(AepException.class, () -> console.view("1", "x86", 1)).errno());
    }
}

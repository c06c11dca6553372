package org.aepdsm.mmview.command;

import static org.aepdsm.testkit.Errors.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.aepdsm.api.Errno;
import org.aepdsm.backend.sim.MachineConfig;
import org.aepdsm.backend.sim.SimMachine;
import org.aepdsm.mmview.ViewRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The view commands' text and argument handling on the console's default process (sim backend). */
class ViewConsoleTest {
    private SimMachine machine;
    private ViewRegistry registry;
    private ViewConsole console;
    private long base;

    @BeforeEach
    void start() {
        machine = new SimMachine(MachineConfig.of(1, 128, 8));
        registry = new ViewRegistry(() -> machine);
        console = new ViewConsole(registry::defaultViewSet, () -> machine);
        base = registry.defaultViewSet().space(0).base();
    }

    @AfterEach
    void stop() {
        console.close();
        registry.close();
        machine.shutdown();
    }

    @Test
    void theSevenOperationsPrintTheirResults() {
        assertTrue(console.unshare(hex(base), "4k").startsWith("unshared " + hex(base) + "+4096"));
        console.write(hex(base), "1");
        assertEquals("created view 1", console.create());
        assertEquals("migrated to view 1 (previous view: 0)", console.migrate("1"));
        assertEquals("current view: 1", console.current());
        console.write(hex(base), "0x2");
        console.write(hex(base + 4096), "3");
        console.migrate("0");
        assertEquals("view 0: " + hex(base) + " = 1 (0x1)", console.read(hex(base)));
        assertEquals("view 0: " + hex(base + 4096) + " = 3 (0x3)", console.read(hex(base + 4096)));
        console.migrate("1");
        assertEquals("base view: 1", console.switchBase());
        assertEquals("deleted view 0 and freed its memory", console.delete("0"));
        String list = console.list();
        assertTrue(list.contains("unshared") && list.contains("shared"), list);
        assertTrue(console.share(hex(base), "4096").startsWith("shared "));
    }

    @Test
    void theConsoleThreadKeepsItsViewAcrossCallsFromDifferentThreads() throws Exception {
        console.create();
        console.migrate("1");
        Thread other = new Thread(() -> assertEquals("current view: 1", console.current()));
        other.start();
        other.join(10_000);
        assertEquals("current view: 1", console.current());
    }

    @Test
    void badArgumentsAreEinvalNamingTheValue() {
        assertErrno(Errno.EINVAL, "'zz'", () -> console.migrate("zz"));
        assertErrno(Errno.EINVAL, "'0xg'", () -> console.read("0xg"));
        assertErrno(Errno.EINVAL, "view 9", () -> console.delete("9"));
        assertErrno(Errno.EPERM, "view 0", () -> console.delete("0"));
        assertErrno(Errno.EINVAL, hex(base + 1), () -> console.unshare(hex(base + 1), "4096"));
        assertErrno(Errno.EINVAL, () -> console.write(hex(base + 4), "1"));
        assertErrno(Errno.EFAULT, () -> console.read(hex(base + (512L << 20))));
        assertEquals(1L << 30, ViewConsole.number("1g", "length"));
        console.write("+0x10", "7");
        assertEquals("view 0: " + hex(base + 16) + " = 7 (0x7)", console.read(hex(base + 16)));
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}

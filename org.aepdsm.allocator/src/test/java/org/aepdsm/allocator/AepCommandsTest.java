package org.aepdsm.allocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.ownership.Topology;
import org.junit.jupiter.api.Test;

class AepCommandsTest {
    @Test
    void commandsPrintHexHandlesAndErrnoNamesWithReasons() {
        TestBackend backend = new TestBackend("sim");
        PoolBinding.Settings settings = new PoolBinding.Settings("p", 64L << 20, new Topology(2, 20), 64, false, false,
                PoolShadowEntry.DEFAULT_ADDRESS);
        try (PoolBinding b = PoolBinding.open(backend, settings,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
            AepCommands cmd = new AepCommands(b::entry);
            String alloc = cmd.alloc(1, 48, 2);
            assertTrue(alloc.startsWith("0x"), alloc);
            String handle = alloc.substring(0, alloc.indexOf(' '));
            String child = cmd.alloc(1, 16, 0).split(" ")[0];
            String slot = "0x" + Long.toHexString(AepCommands.parse(handle) + 8);
            assertEquals("slot " + slot + " -> " + child, cmd.link(1, slot, child));
            AepException busy = assertThrows(AepException.class, () -> cmd.free(1, child));
            assertEquals(Errno.EBUSY, busy.errno());
            assertTrue(busy.getMessage().startsWith("EBUSY: free of " + child), busy.getMessage());
            assertTrue(busy.getMessage().contains("still referenced"), busy.getMessage());
            assertTrue(cmd.unlink(1, slot, child).contains("cleared"));
            assertTrue(cmd.send(1, 25, handle).startsWith("sent " + handle));
            assertTrue(cmd.recv(25, 1).startsWith(handle));
            AepException empty = assertThrows(AepException.class, () -> cmd.recv(25, -1));
            assertTrue(empty.getMessage().startsWith("EAGAIN"), empty.getMessage());
            AepException perm = assertThrows(AepException.class, () -> cmd.free(1, handle));
            assertTrue(perm.getMessage().startsWith("EPERM"), perm.getMessage());
            String stats = cmd.stats();
            assertTrue(stats.contains("live objects:      2"), stats);
            assertTrue(stats.contains("malloc=2"), stats);
            assertTrue(stats.contains("pool access:       constant segment (hidden class)"), stats);
            assertTrue(cmd.bitmap().contains("allocated blocks: 2"), cmd.bitmap());
            assertTrue(cmd.fsck().startsWith("clean: 2 live objects"), cmd.fsck());
            assertEquals("freed " + handle, cmd.free(25, handle));
            assertEquals("reclaimed 1 objects", cmd.recover(-1));
            AepException bad = assertThrows(AepException.class, () -> cmd.free(1, "zz"));
            assertEquals(Errno.EINVAL, bad.errno());
        }
        AepCommands unbound = new AepCommands(() -> null);
        assertEquals(Errno.ESTALE, assertThrows(AepException.class, unbound::stats).errno());
    }
}

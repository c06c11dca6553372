package org.aepdsm.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The view commands in the executable jar: the seven operations on the console's default process. */
class ViewCommandsIT {
    @Test
    void aViewSessionRunsTheSevenOperations() throws Exception {
        RuntimeJarIT.Run r = RuntimeJarIT.run("view:unshare 0x100000000000 4096; view:write 0x100000000000 1; "
                + "view:create; view:migrate 1; view:current; view:write 0x100000000000 2; view:write 0x100000001000 3; "
                + "view:migrate 0; view:read 0x100000000000; view:read 0x100000001000; view:migrate 1; "
                + "view:switchbase; view:delete 0; view:list; view:share 0x100000000000 4096");
        assertEquals(0, r.exit(), () -> "stdout:\n" + r.out() + "\nstderr:\n" + r.err());
        String out = r.out();
        assertTrue(out.contains("created view 1"), out);
        assertTrue(out.contains("migrated to view 1 (previous view: 0)"), out);
        assertTrue(out.contains("current view: 1"), out);
        assertTrue(out.contains("view 0: 0x100000000000 = 1 "), "unshared data stays per view:\n" + out);
        assertTrue(out.contains("view 0: 0x100000001000 = 3 "), "shared data is seen by every view:\n" + out);
        assertTrue(out.contains("base view: 1"), out);
        assertTrue(out.contains("deleted view 0"), out);
    }

    @Test
    void deletingTheBaseViewIsRefusedWithEperm() throws Exception {
        RuntimeJarIT.Run r = RuntimeJarIT.run("view:create; view:delete 0");
        assertEquals(2, r.exit(), () -> "stdout:\n" + r.out() + "\nstderr:\n" + r.err());
        assertTrue(r.err().contains("EPERM") && r.err().contains("view 0"), r.err());
    }
}

package org.aepdsm.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.aepdsm.api.memory.BackendInfo;
import org.aepdsm.api.memory.Capability;
import org.aepdsm.api.memory.Isolation;
import org.junit.jupiter.api.Test;

class ConsoleTextTest {
    private static BackendInfo info(String id, Isolation iso, Capability... caps) {
        return new BackendInfo(id, id + " machine", Set.of(caps), iso, Map.of());
    }

    @Test
    void theBackendsTableMarksTheActiveOneAndListsCapabilities() {
        String text = ConsoleText.backends(List.of(
                new BackendStatus("native", false, false, info("native", Isolation.PKEY, Capability.SHARED_POOL)),
                new BackendStatus("sim", true, true, info("sim", Isolation.SIMULATED, Capability.PAGE_TABLES,
                        Capability.TLB_MODEL))), "sim");
        String[] lines = text.split("\n");
        assertTrue(lines[1].matches("\\s+native\\s+standby\\s+pkey\\s+shared-pool"), lines[1]);
        assertTrue(lines[2].matches("\\*\\s+sim\\s+active\\s+simulated\\s+page-tables,tlb-model"), lines[2]);
        assertTrue(text.endsWith("selected: sim"), text);
    }

    @Test
    void aSelectionThatIsNotRunningIsSaid() {
        String text = ConsoleText.backends(List.of(new BackendStatus("sim", true, false,
                info("sim", Isolation.SIMULATED))), "native");
        assertTrue(text.endsWith("selected: native (not running; another backend stands in)"), text);
        assertEquals("no backend bundle is running (selected: sim)", ConsoleText.backends(List.of(), "sim"));
    }

    @Test
    void byteCountsReadAsPeopleWriteThem() {
        assertEquals("256 MiB", ConsoleText.bytes(256L << 20));
        assertEquals("2 GiB", ConsoleText.bytes(2L << 30));
        assertEquals("64 KiB", ConsoleText.bytes(64L << 10));
    }
}

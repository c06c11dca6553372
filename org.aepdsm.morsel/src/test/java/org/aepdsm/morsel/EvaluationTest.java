package org.aepdsm.morsel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.aepdsm.backend.sim.MachineConfig;
import org.aepdsm.backend.sim.SimMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationTest {
    private static final long MIB = 1L << 20;

    @Test
    void rowsCountEntriesExactlyAndTheReportHasATableAndAChart(@TempDir Path dir) throws Exception {
        SimMachine machine = new SimMachine(MachineConfig.of(1, 256, 2));
        try {
            List<String> progress = new ArrayList<>();
            List<MorselEvaluation.Row> rows = new MorselEvaluation(machine, 0, progress::add)
                    .run(List.of(2 * MIB, 64 * MIB, 1026 * MIB));
            assertEquals(3, progress.size());
            MorselEvaluation.Row small = rows.get(0);
            assertEquals(1 + 2, small.morselMapEntries(), "one PDE plus the entries of two new tables");
            assertEquals(512 + 3, small.pageMapEntries(), "512 PTEs plus the PML4E, PDPTE and PDE of three new tables");
            MorselEvaluation.Row big = rows.get(2);
            assertTrue(big.sparse(), "1026 MiB is larger than the node");
            assertEquals(2, big.subtrees());
            assertEquals(1026 * 256, big.eptEager());
            assertTrue(big.eptLazy() <= 2048 + 1024 && big.eptLazy() > 2048);
            assertTrue(rows.get(1).morselTransferEntries() < rows.get(1).pageTransferEntries());
            String table = EvalReport.table("sim", rows);
            assertTrue(table.contains("1.00 GiB") || table.contains("1026"), table);
            Path png = EvalReport.chart("sim", rows, dir.resolve("eval.png"));
            byte[] head = Files.readAllBytes(png);
            assertEquals((byte) 0x89, head[0]);
            assertEquals('P', head[1]);
        } finally {
            machine.shutdown();
        }
    }

    @Test
    void defaultSizesDoubleAndIncludeTheHeadline() {
        List<Long> s = MorselEvaluation.defaultSizes(8L << 30);
        assertEquals(2 * MIB, s.get(0));
        assertEquals(8L << 30, s.get(s.size() - 1));
        assertTrue(s.contains(MorselEvaluation.HEADLINE_BYTES));
        assertEquals(14, s.size());
    }
}

package org.aepdsm.bench.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.List;

import org.junit.jupiter.api.Test;

class CompilerIdleTest {
    private static final String IDLE = """
            Current compiles:

            C1 compile queue:
            Empty

            C2 compile queue:
            Empty
            """;
    private static final String COMPILING = """
            Current compiles:
            C2 CompilerThread0   537       4       a.B::step (891 bytes)

            C1 compile queue:
            Empty

            C2 compile queue:
            Empty
            """;
    private static final String QUEUED = """
            Current compiles:

            C1 compile queue:
            Empty

            C2 compile queue:
             541       4       a.B::bname (354 bytes)
             542 %     4       a.B::loop @ 12 (200 bytes)
            """;

    @Test
    void aReportWithNothingRunningOrQueuedIsIdle() {
        assertTrue(CompilerIdle.isIdle(IDLE));
    }

    @Test
    void aCompilerThreadAtWorkIsBusy() {
        assertFalse(CompilerIdle.isIdle(COMPILING));
    }

    @Test
    void aQueuedMethodIsBusy() {
        assertFalse(CompilerIdle.isIdle(QUEUED));
    }

    @Test
    void awaitReturnsOnceTheReportTurnsIdle() {
        ArrayDeque<String> reports = new ArrayDeque<>(List.of(COMPILING, QUEUED, IDLE, COMPILING));
        assertTrue(CompilerIdle.await(reports::poll, 10_000));
        assertEquals(1, reports.size(), "polled past the first idle report");
    }

    @Test
    void awaitGivesUpAfterItsTimeWhileBusy() {
        long t0 = System.nanoTime();
        assertFalse(CompilerIdle.await(() -> COMPILING, 30));
        assertTrue(System.nanoTime() - t0 >= 30_000_000L, "gave up before its time");
    }

    @Test
    void withoutAReportThereIsNothingToWaitFor() {
        assertTrue(CompilerIdle.await(() -> null, 10_000));
    }

    @Test
    void thisJvmGivesAQueueReportAndACompileClock() {
        String report = CompilerIdle.report();
        assertTrue(report != null && report.contains("C2 compile queue:"), String.valueOf(report));
        assertTrue(CompilerIdle.compileMillis() >= 0, "HotSpot reports its compile time");
    }
}

package org.aepdsm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The suite's summaries on several backends, side by side. */
class BackendTableTest {
    private static RunReport report(String benchmark, Figure... figures) {
        return new RunReport(benchmark, List.of(), "shadow-entry", new Measurement(List.of(figures)), List.of(),
                Path.of(benchmark + ".json"), null, List.of());
    }

    @Test
    void oneRowPerFigureWithAColumnPerBackendAndTheLastOverTheFirst() {
        Map<String, List<RunReport>> runs = new LinkedHashMap<>();
        runs.put("sim", List.of(report("threadtest", Figure.higher("throughput", 100, "ops/sec")),
                report("transfer_bench", Figure.lower("single-object latency", 200, "ns/transfer"))));
        runs.put("native", List.of(report("threadtest", Figure.higher("throughput", 250, "ops/sec")),
                report("transfer_bench", Figure.lower("single-object latency", 50, "ns/transfer"))));
        List<String> lines = BackendTable.format(runs).lines().toList();
        assertEquals("=== summary by backend ===", lines.get(1));
        assertEquals(List.of("benchmark", "figure", "unit", "sim", "native", "native/sim", "better"),
                List.of(lines.get(2).trim().split(" +")));
        assertEquals(List.of("threadtest", "throughput", "ops/sec", "100.00", "250.00", "2.500", "higher", "is",
                "better"), List.of(lines.get(3).trim().split(" +")));
        assertEquals(List.of("transfer_bench", "single-object", "latency", "ns/transfer", "200.00", "50.00", "0.250",
                "lower", "is", "better"), List.of(lines.get(4).trim().split(" +")));
        assertEquals(5, lines.size());
    }

    @Test
    void aBenchmarkMissingOnOneBackendShowsADashAndNoRatio() {
        Map<String, List<RunReport>> runs = new LinkedHashMap<>();
        runs.put("sim", List.of(report("kv", Figure.higher("throughput", 10, "ops/sec"))));
        runs.put("native", List.of());
        List<String> row = List.of(BackendTable.format(runs).lines().toList().get(3).trim().split(" +"));
        assertEquals(List.of("kv", "throughput", "ops/sec", "10.00", "-", "-", "higher", "is", "better"), row);
    }

    @Test
    void aSingleBackendHasNoRatioColumn() {
        Map<String, List<RunReport>> runs = new LinkedHashMap<>();
        runs.put("native", List.of(report("kv", Figure.higher("throughput", 10, "ops/sec"))));
        List<String> lines = BackendTable.format(runs).lines().toList();
        assertEquals(List.of("kv", "throughput", "ops/sec", "10.00", "-", "higher", "is", "better"),
                List.of(lines.get(3).trim().split(" +")));
    }
}

package org.aepdsm.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The suite's summaries on several backends side by side: one row per benchmark and figure, one column per backend
 * in the order run, and the ratio of the last backend's value to the first's ({@code native/sim} for
 * {@code --backends=sim,native}). A benchmark that failed or did not run on a backend shows {@code -} there.
 *
 * <p>Stateless; thread-safe.
 */
public final class BackendTable {
    private BackendTable() {
    }

    /**
     * Formats the table.
     *
     * @param reportsByBackend each backend's suite reports, in the order the backends ran
     */
    public static String format(Map<String, List<RunReport>> reportsByBackend) {
        List<String> backends = List.copyOf(reportsByBackend.keySet());
        Map<String, Map<String, Figure>> rows = new LinkedHashMap<>();
        Map<String, String> benchmarkOf = new LinkedHashMap<>();
        for (String b : backends) {
            for (RunReport r : reportsByBackend.get(b)) {
                for (Figure f : r.ours().figures()) {
                    String key = r.benchmark() + "\u0000" + f.name();
                    rows.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(b, f);
                    benchmarkOf.put(key, r.benchmark());
                }
            }
        }
        String first = backends.isEmpty() ? "" : backends.getFirst();
        String last = backends.isEmpty() ? "" : backends.getLast();
        StringBuilder fmt = new StringBuilder("%-17s %-36s %-15s");
        for (int i = 0; i < backends.size(); i++) {
            fmt.append(" %14s");
        }
        fmt.append("  %12s  %s%n");
        String row = fmt.toString();
        StringBuilder out = new StringBuilder("\n=== summary by backend ===\n");
        List<Object> head = new ArrayList<>(List.of("benchmark", "figure", "unit"));
        head.addAll(backends);
        head.add(backends.size() > 1 ? last + "/" + first : "-");
        head.add("better");
        out.append(String.format(Locale.ROOT, row, head.toArray()));
        for (Map.Entry<String, Map<String, Figure>> e : rows.entrySet()) {
            Map<String, Figure> byBackend = e.getValue();
            Figure any = byBackend.values().iterator().next();
            List<Object> cells = new ArrayList<>(List.of(benchmarkOf.get(e.getKey()), any.name(), any.unit()));
            for (String b : backends) {
                Figure f = byBackend.get(b);
                cells.add(f == null ? "-" : String.format(Locale.ROOT, "%.2f", f.value()));
            }
            Figure a = byBackend.get(first);
            Figure z = byBackend.get(last);
            cells.add(backends.size() > 1 && a != null && z != null && a.value() != 0
                    ? String.format(Locale.ROOT, "%.3f", z.value() / a.value()) : "-");
            cells.add((any.higherIsBetter() ? "higher" : "lower") + " is better");
            out.append(String.format(Locale.ROOT, row, cells.toArray()));
        }
        return out.toString();
    }
}

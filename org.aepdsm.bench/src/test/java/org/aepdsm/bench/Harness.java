package org.aepdsm.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs benchmarks against test entries and checks their lines. Not thread-safe. */
final class Harness {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    final BenchRunner runner;

    Harness(Path results, PeerLauncher launcher, EntryChoice.Candidate... entries) {
        runner = new BenchRunner(() -> List.of(entries), launcher, results, 0);
    }

    static EntryChoice.Candidate shadow(HeapEntry e) {
        return new EntryChoice.Candidate(e, Map.of("aepdsm.entry", e.address()));
    }

    static EntryChoice.Candidate direct(HeapEntry e) {
        return new EntryChoice.Candidate(e, Map.of(EntryChoice.DIRECT_PROPERTY, true));
    }

    RunReport run(String name, String line) {
        return runner.run(name, Arrays.asList(line.trim().split(" +")), false, out);
    }

    String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Each line matches its pattern, in order, and no line is left over. */
    static void assertLines(List<String> lines, String... patterns) {
        for (int i = 0; i < Math.max(lines.size(), patterns.length); i++) {
            assertTrue(i < lines.size(), "missing line " + i + " /" + (i < patterns.length ? patterns[i] : "") + "/ in "
                    + lines);
            assertTrue(i < patterns.length, "extra line " + i + ": " + lines.get(i));
            assertTrue(Pattern.matches(patterns[i], lines.get(i)),
                    "line " + i + " '" + lines.get(i) + "' does not match /" + patterns[i] + "/");
        }
        assertEquals(patterns.length, lines.size());
    }

    static final String F6 = "\\d+\\.\\d{6}";
    static final String F2 = "\\d+\\.\\d{2}";
    static final String SHADOW = "AEP shadow entry = 0xffffe8fffd801000";
}

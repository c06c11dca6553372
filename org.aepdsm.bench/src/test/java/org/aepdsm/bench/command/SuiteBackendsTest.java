package org.aepdsm.bench.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.bench.BackendSwitch;
import org.aepdsm.bench.BenchRunner;
import org.aepdsm.bench.TestEntries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** aep:bench suite --backends=...: the list it accepts, and the backend it leaves active. */
class SuiteBackendsTest {
    @TempDir
    Path dir;

    /** Records switches; refuses to switch to {@code broken}. */
    private static final class RecordingSwitch implements BackendSwitch {
        final List<String> uses = new ArrayList<>();
        String active = "sim";
        final String broken;

        RecordingSwitch(String broken) {
            this.broken = broken;
        }

        @Override
        public String active() {
            return active;
        }

        @Override
        public Set<String> present() {
            return Set.of("sim", "native");
        }

        @Override
        public void use(String id) {
            uses.add(id);
            if (id.equals(broken)) {
                throw new AepException(Errno.EBUSY, "backend '" + id + "' did not become active within 60 s");
            }
            active = id;
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--backends=|option '--backends=' needs a list: --backends=sim,native",
        "--backends|option '--backends' needs a list: --backends=sim,native",
        "--backends=sim,,native|empty backend id in '--backends=sim,,native'",
        "--backends=sim,dax|unknown backend 'dax' in '--backends=sim,dax'; available: native, sim",
        "--backends=sim,sim|backend 'sim' is listed twice in '--backends=sim,sim'",
    })
    void badListsAreRefusedNamingTheValue(String option, String message) {
        AepException e = assertThrows(AepException.class,
                () -> BenchCommand.parseBackends(option, Set.of("sim", "native")));
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals("EINVAL: " + message, e.getMessage());
    }

    @Test
    void theListKeepsItsOrder() {
        assertEquals(List.of("native", "sim"), BenchCommand.parseBackends("--backends=native, sim",
                Set.of("sim", "native")));
    }

    @Test
    void aFailedSwitchStillRestoresTheOriginalBackend() {
        RecordingSwitch sw = new RecordingSwitch("native");
        BenchCommand command = new BenchCommand(new BenchRunner(() -> List.of(TestEntries.shadow()), null, dir, 0),
                sw);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        AepException e = assertThrows(AepException.class, () -> command.bench(
                new PrintStream(text, true, StandardCharsets.UTF_8), "suite", "--backends=native,sim", "--no-peers"));
        assertEquals(Errno.EBUSY, e.errno());
        assertEquals(List.of("native", "sim"), sw.uses, "tried native, then went back to sim");
        assertEquals("sim", sw.active);
    }

    @Test
    void withoutABackendSwitchTheOptionIsRefused() {
        BenchCommand command = new BenchCommand(new BenchRunner(List::of, null, dir, 0));
        AepException e = assertThrows(AepException.class, () -> command.bench(System.out, "suite",
                "--backends=sim,native"));
        assertEquals(Errno.EINVAL, e.errno());
    }
}

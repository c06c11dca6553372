package org.aepdsm.paging.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.paging.PageMap;
import org.aepdsm.paging.collect.PageCollect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code paging:collect} against a stand-in backend holding one address space, id 7. */
class CollectCommandTest {
    private static final PageMap SPACE_7 = StandInBackend.SPACE_7;

    @TempDir
    Path dir;

    private final CollectCommand command = new CollectCommand(new PageCollect(), StandInBackend::backend);

    @Test
    void spaceReportIsTheAnalyzersText() {
        PageCollect collect = new PageCollect();
        String expected = collect.format(collect.analyze(SPACE_7));
        assertEquals(expected, command.collect("", "7", ""));
        assertTrue(expected.contains("total_Range_TLB_entries: 2\n"), expected);
    }

    @Test
    void outFileGetsTheReportAndIsNamed() throws IOException {
        Path out = dir.resolve("page-collect.dat");
        String printed = command.collect("", "0x7", out.toString());
        String written = Files.readString(out);
        assertTrue(written.startsWith("\n----------\nVMA_TLB\n"), written);
        assertEquals(written + "report written to " + out.toAbsolutePath() + "\n", printed);
    }

    @Test
    void unknownSpaceIsEnoentNamingTheId() {
        AepException e = assertThrows(AepException.class, () -> command.collect("", "12", ""));
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().contains("address space 12"), e.getMessage());
    }

    @Test
    void noActiveBackendIsEnoent() {
        CollectCommand none = new CollectCommand(new PageCollect(), () -> null);
        AepException e = assertThrows(AepException.class, () -> none.collect("", "7", ""));
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().contains("no active memory backend"), e.getMessage());
    }

    @Test
    void exactlyOneSourceAndNumbersOnly() {
        AepException neither = assertThrows(AepException.class, () -> command.collect("", "", ""));
        assertEquals(Errno.EINVAL, neither.errno());
        AepException both = assertThrows(AepException.class, () -> command.collect("1", "7", ""));
        assertEquals(Errno.EINVAL, both.errno());
        AepException word = assertThrows(AepException.class, () -> command.collect("abc", "", ""));
        assertEquals(Errno.EINVAL, word.errno());
        assertTrue(word.getMessage().contains("'abc'"), word.getMessage());
    }

    @Test
    void unknownPidIsEnoent() {
        AepException e = assertThrows(AepException.class, () -> command.collect("2147483647", "", ""));
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().contains("pid 2147483647"), e.getMessage());
    }

    @Test
    void unwritableOutFileChangesNothingAndNamesTheFile() {
        Path out = dir.resolve("missing-dir").resolve("report.dat");
        AepException e = assertThrows(AepException.class, () -> command.collect("", "7", out.toString()));
        assertEquals(Errno.EIO, e.errno());
        assertTrue(e.getMessage().contains(out.toString()), e.getMessage());
    }
}

package org.aepdsm.paging.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.paging.collect.PageCollect;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as Gogo parses it: option names, values, and the text returned. */
class GogoShellTest {
    private final ThreadIOImpl threadIo = new ThreadIOImpl();
    private CommandProcessorImpl processor;
    private CommandSession session;

    @TempDir
    Path dir;

    @BeforeEach
    void shell() {
        threadIo.start();
        processor = new CommandProcessorImpl(threadIo);
        PagingCommands commands = new PagingCommands(new CollectCommand(new PageCollect(), StandInBackend::backend),
                new PlacementCommands(new PageCollect(), StandInBackend::backend));
        processor.addCommand("paging", commands, "collect");
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(),
                new ByteArrayOutputStream());
    }

    @AfterEach
    void close() {
        session.close();
        processor.stop();
        threadIo.stop();
    }

    @Test
    void spaceOptionAndOutFile() throws Exception {
        Path out = dir.resolve("space7.dat");
        Object result = session.execute("paging:collect --space 7 -o " + out);
        String text = String.valueOf(result);
        assertTrue(text.startsWith("\n----------\nVMA_TLB\n----------\ntotal_VMA_TLB_entries: 1\n"), text);
        assertTrue(text.contains("total_Range_TLB_entries: 2\n"), text);
        assertEquals(Files.readString(out) + "report written to " + out + "\n", text);
    }

    @Test
    void pidOptionForAMissingProcess() {
        AepException e = assertThrows(AepException.class, () -> session.execute("paging:collect -p 2147483647"));
        assertEquals(Errno.ENOENT, e.errno());
    }

    @Test
    void unknownSpaceNamesTheId() {
        AepException e = assertThrows(AepException.class, () -> session.execute("paging:collect --space 99"));
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().contains("address space 99"), e.getMessage());
    }
}

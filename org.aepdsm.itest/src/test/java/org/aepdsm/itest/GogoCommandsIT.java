package org.aepdsm.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import javax.inject.Inject;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** The {@code aep} commands answer in the Gogo shell with the text a person expects. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class GogoCommandsIT {
    @Inject
    CommandProcessor commands;

    @Configuration
    public Option[] config() {
        return RuntimeOptions.all();
    }

    private Object run(String line) throws Exception {
        CommandSession s = commands.createSession(System.in, new PrintStream(new ByteArrayOutputStream()), System.err);
        try {
            return s.execute(line);
        } finally {
            s.close();
        }
    }

    private String awaitText(String line, String expected) throws Exception {
        String[] last = new String[1];
        Await.until("'" + expected + "' in the output of " + line + " (last: " + last[0] + ")", 30_000, () -> {
            try {
                last[0] = String.valueOf(run(line));
                return last[0].contains(expected);
            } catch (Exception e) {
                last[0] = e.toString();
                return false;
            }
        });
        return last[0];
    }

    @Test
    public void backendsListsBothWithSimActive() throws Exception {
        String text = awaitText("aep:backends", "selected: sim");
        assertTrue(text, text.lines().anyMatch(l -> l.matches("\\*\\s+sim\\s+active\\s+simulated\\s+.*page-tables.*")));
        assertTrue(text, text.lines().anyMatch(l -> l.matches("\\s+native\\s+standby\\s+\\S+\\s+.*shared-pool.*")));
    }

    @Test
    public void statusDescribesTheActiveBackend() throws Exception {
        String text = awaitText("aep:status", "active backend: sim");
        assertTrue(text, text.contains("node 0"));
        assertTrue(text, text.contains("address spaces:"));
    }

    @Test
    public void anUnknownBackendIsRefusedNamingIt() throws Exception {
        awaitText("aep:backends", "selected: sim");
        try {
            run("aep:use bogus");
            fail("aep:use bogus should fail");
        } catch (AepException e) {
            assertEquals(Errno.EINVAL, e.errno());
            assertTrue(e.getMessage(), e.getMessage().contains("'bogus'") && e.getMessage().contains("sim"));
        }
        assertTrue(String.valueOf(run("aep:status")).contains("active backend: sim"));
    }
}

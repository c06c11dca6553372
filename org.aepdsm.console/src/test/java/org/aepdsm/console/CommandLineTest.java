package org.aepdsm.console;

import static org.aepdsm.testkit.Errors.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.aepdsm.api.Errno;
import org.junit.jupiter.api.Test;

class CommandLineTest {
    @Test
    void statementsSplitAtTopLevelSemicolons() {
        assertEquals(List.of("aep:backends", "aep:use native", "aep:status"),
                CommandLine.statements(" aep:backends ;aep:use native;  aep:status ;"));
    }

    @Test
    void semicolonsInsideQuotesAndBracketsStay() {
        assertEquals(List.of("echo 'a;b'", "each [1 2] { echo $it; echo x }", "echo \"c\\\";d\""),
                CommandLine.statements("echo 'a;b'; each [1 2] { echo $it; echo x }; echo \"c\\\";d\""));
    }

    @Test
    void unclosedQuotesAndBracketsAreRefusedNamingTheColumn() {
        assertErrno(Errno.EINVAL, "column 6", () -> CommandLine.statements("echo 'abc; x"));
        assertErrno(Errno.EINVAL, "column 6", () -> CommandLine.statements("each { echo"));
        assertErrno(Errno.EINVAL, "column 5", () -> CommandLine.statements("echo) x"));
    }

    @Test
    void theCommandOfAStatementIsItsScopedName() {
        assertEquals("aep:bench", CommandLine.commandOf("aep:bench threadtest 16 1000"));
        assertNull(CommandLine.commandOf("echo hi"));
        assertNull(CommandLine.commandOf("$x:y"));
    }
}

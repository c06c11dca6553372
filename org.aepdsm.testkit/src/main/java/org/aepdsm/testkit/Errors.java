package org.aepdsm.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.junit.jupiter.api.function.Executable;

/**
 * Assertions on {@link AepException}s. Stateless.
 */
public final class Errors {
    private Errors() {
    }

    /**
     * Asserts that the call fails with the errno and that the message names {@code named} (a value
     * the caller passed), so a user can see which input was refused.
     */
    public static AepException assertErrno(Errno expected, String named, Executable call) {
        AepException e = assertThrows(AepException.class, call);
        assertEquals(expected, e.errno(), () -> "errno of: " + e.getMessage());
        if (named != null) {
            assertTrue(e.getMessage().toLowerCase().contains(named.toLowerCase()),
                    () -> "message should name '" + named + "': " + e.getMessage());
        }
        return e;
    }

    /** Asserts that the call fails with the errno. */
    public static AepException assertErrno(Errno expected, Executable call) {
        return assertErrno(expected, null, call);
    }

    /** {@code 0x...} as messages print addresses and frames. */
    public static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}

package org.aepdsm.backend.os.ffm;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;

/** Checks of page ranges before they reach the kernel. Stateless. */
final class Ranges {
    private Ranges() {
    }

    /**
     * Checks that {@code [offset, offset + length)} is 4 KiB aligned, non-empty and inside {@code [0, limit)}.
     *
     * @throws AepException EINVAL naming the bad value and {@code what}
     */
    static void checkPages(long offset, long length, long limit, String what) {
        if ((offset & (Posix.PAGE - 1)) != 0) {
            throw new AepException(Errno.EINVAL, "offset " + Posix.hex(offset) + " in " + what
                    + " is not aligned to 4096");
        }
        if (length <= 0 || (length & (Posix.PAGE - 1)) != 0) {
            throw new AepException(Errno.EINVAL, "length " + length + " in " + what
                    + " is not a positive multiple of 4096");
        }
        if (offset < 0 || offset > limit - length) {
            throw new AepException(Errno.EINVAL, "range " + Posix.hex(offset) + "+" + length + " leaves " + what
                    + " of " + limit + " bytes");
        }
    }
}

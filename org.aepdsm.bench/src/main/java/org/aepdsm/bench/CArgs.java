package org.aepdsm.bench;

import java.util.List;
import java.util.function.Predicate;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;

/**
 * Number parsing as the original C benchmarks do it: {@code strtoul(text, &end, 0)} with the whole string consumed,
 * so {@code 0x...} is hex, a leading {@code 0} octal, anything else decimal; an optional sign (a minus negates
 * modulo 2^64, as strtoul does); overflow is an error. Failures raise the original's {@code invalid <name>: <text>}.
 *
 * <p>Stateless and thread-safe.
 */
public final class CArgs {
    private CArgs() {
    }

    /** Takes the positional number at {@code position} (0-based) of an original's command line. */
    @FunctionalInterface
    public interface Positional {
        /**
         * @throws AepException EINVAL (the usage line) for a position the program does not have
         */
        void accept(int position, long value);
    }

    /**
     * Reads a command line the way the originals do: a word {@code flag} takes (the common options, a program's
     * own flags) may stand anywhere; any other word that starts with {@code -} is refused with {@code usage};
     * every remaining word is a number ({@link #strtoul}) handed to {@code positional} with its position.
     *
     * @throws AepException EINVAL with {@code usage}, or from {@code strtoul} or {@code positional}
     */
    public static void read(List<String> args, String usage, Predicate<String> flag, Positional positional) {
        int position = 0;
        for (String a : args) {
            if (flag.test(a)) {
                continue;
            }
            if (a.startsWith("-")) {
                throw refuse(usage);
            }
            positional.accept(position++, strtoul(a, "argument"));
        }
    }

    /**
     * The unsigned 64-bit value of {@code text}, returned in a {@code long}.
     *
     * @throws AepException EINVAL {@code invalid <name>: <text>} when the text is not a whole number or overflows
     */
    public static long strtoul(String text, String name) {
        int i = 0;
        int n = text.length();
        while (i < n && isSpace(text.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
            negative = text.charAt(i) == '-';
            i++;
        }
        int base = 10;
        if (i + 1 < n && text.charAt(i) == '0' && (text.charAt(i + 1) == 'x' || text.charAt(i + 1) == 'X')
                && i + 2 < n && Character.digit(text.charAt(i + 2), 16) >= 0) {
            base = 16;
            i += 2;
        } else if (i < n && text.charAt(i) == '0') {
            base = 8;
        }
        int start = i;
        long value = 0;
        boolean overflow = false;
        while (i < n) {
            int d = Character.digit(text.charAt(i), base);
            if (d < 0 || text.charAt(i) > 0x7f) {
                break;
            }
            long limit = Long.divideUnsigned(-1L - d, base);
            if (Long.compareUnsigned(value, limit) > 0) {
                overflow = true;
            }
            value = value * base + d;
            i++;
        }
        if (i == start || i != n || overflow) {
            throw invalid(name, text);
        }
        return negative ? -value : value;
    }

    /** The C cast {@code (int) value}: the low 32 bits, signed. */
    public static int toInt(long value) {
        return (int) value;
    }

    /** An EINVAL error carrying the original's message. */
    public static AepException invalid(String name, String text) {
        return new AepException(Errno.EINVAL, "invalid " + name + ": " + text);
    }

    /** An EINVAL error with exactly the original's message. */
    public static AepException refuse(String message) {
        return new AepException(Errno.EINVAL, message);
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b;
    }
}

package org.aepdsm.morsel;

import java.math.BigDecimal;
import java.math.RoundingMode;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;

/**
 * Sizes and addresses as people type and read them: {@code 4096}, {@code 2M}, {@code 1G},
 * {@code 6.82G} (binary units K, M, G, T, optionally followed by {@code iB} or {@code B}), and
 * {@code 0x} hexadecimal addresses. Stateless; thread-safe.
 */
public final class ByteSize {
    private ByteSize() {
    }

    /**
     * Parses a size; fractions are allowed and round up to a whole byte.
     *
     * @throws AepException {@code EINVAL} naming the text for anything else
     */
    public static long parse(String text) {
        if (text == null || text.isBlank()) {
            throw new AepException(Errno.EINVAL, "size '" + text + "' is empty");
        }
        String t = text.trim().toUpperCase(java.util.Locale.ROOT);
        if (t.endsWith("IB")) {
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("B")) {
            t = t.substring(0, t.length() - 1);
        }
        int shift = 0;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'K' -> shift = 10;
                case 'M' -> shift = 20;
                case 'G' -> shift = 30;
                case 'T' -> shift = 40;
                default -> shift = -1;
            }
            if (shift >= 0) {
                t = t.substring(0, t.length() - 1);
            } else {
                shift = 0;
            }
        }
        try {
            BigDecimal v = new BigDecimal(t).multiply(BigDecimal.valueOf(1L << shift))
                    .setScale(0, RoundingMode.CEILING);
            if (v.signum() <= 0) {
                throw new AepException(Errno.EINVAL, "size '" + text + "' is not positive");
            }
            return v.longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new AepException(Errno.EINVAL, "size '" + text + "' is not a number with an optional K, M, G or T");
        }
    }

    /** Parses a {@code 0x} hexadecimal or decimal address. */
    public static long parseAddress(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            return t.startsWith("0x") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new AepException(Errno.EINVAL, "address '" + text + "' is not 0x hexadecimal or decimal");
        }
    }

    /** Parses a decimal id. */
    public static long parseId(String what, String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException | NullPointerException e) {
            throw new AepException(Errno.EINVAL, what + " '" + text + "' is not a decimal number");
        }
    }

    /** A size for people: {@code 2 MiB}, {@code 6.82 GiB}, {@code 4096 B}. */
    public static String format(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        double v = bytes;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        if (v == Math.rint(v)) {
            return (long) v + " " + units[u];
        }
        return String.format(java.util.Locale.ROOT, "%.2f %s", v, units[u]);
    }

    /** {@code bytes} rounded up to a multiple of 2 MiB. */
    public static long roundUpTo2M(long bytes) {
        long m = 2L << 20;
        return (bytes + m - 1) / m * m;
    }
}

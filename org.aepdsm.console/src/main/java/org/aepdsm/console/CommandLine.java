package org.aepdsm.console;

import java.util.ArrayList;
import java.util.List;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;

/**
 * Splits a Gogo command line into its statements at the {@code ;} that stand
 * outside quotes and brackets, so that each statement's result can be printed.
 * Stateless.
 */
final class CommandLine {
    private CommandLine() {
    }

    /**
     * The statements of a line, trimmed, empty ones dropped.
     *
     * @throws AepException {@code EINVAL} for an unclosed quote or bracket, naming where it opened
     */
    static List<String> statements(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        StringBuilder open = new StringBuilder();
        int[] openedAt = new int[line.length() + 1];
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == '\\' && i + 1 < line.length()) {
                    cur.append(c).append(line.charAt(++i));
                    continue;
                }
                if (c == quote) {
                    quote = 0;
                }
                cur.append(c);
                continue;
            }
            switch (c) {
                case '"', '\'' -> {
                    quote = c;
                    openedAt[open.length()] = i;
                }
                case '(', '[', '{' -> {
                    openedAt[open.length()] = i;
                    open.append(c);
                }
                case ')', ']', '}' -> {
                    if (open.isEmpty() || "([{".indexOf(open.charAt(open.length() - 1)) != ")]}".indexOf(c)) {
                        throw new AepException(Errno.EINVAL, "unbalanced '" + c + "' at column " + (i + 1) + " of: " + line);
                    }
                    open.setLength(open.length() - 1);
                }
                case ';' -> {
                    if (open.isEmpty()) {
                        add(out, cur);
                        cur.setLength(0);
                        continue;
                    }
                }
                default -> {
                }
            }
            cur.append(c);
        }
        if (quote != 0) {
            throw new AepException(Errno.EINVAL, "unclosed " + quote + " at column " + (openedAt[open.length()] + 1)
                    + " of: " + line);
        }
        if (!open.isEmpty()) {
            throw new AepException(Errno.EINVAL, "unclosed '" + open.charAt(open.length() - 1) + "' at column "
                    + (openedAt[open.length() - 1] + 1) + " of: " + line);
        }
        add(out, cur);
        return out;
    }

    private static void add(List<String> out, StringBuilder statement) {
        String s = statement.toString().trim();
        if (!s.isEmpty()) {
            out.add(s);
        }
    }

    /** The {@code scope:function} a statement starts with, or null if it names none. */
    static String commandOf(String statement) {
        String first = statement.split("\\s+", 2)[0];
        int colon = first.indexOf(':');
        return colon > 0 && colon < first.length() - 1 && first.chars().allMatch(ch -> ch == ':' || ch == '-'
                || ch == '_' || Character.isLetterOrDigit(ch)) ? first : null;
    }
}

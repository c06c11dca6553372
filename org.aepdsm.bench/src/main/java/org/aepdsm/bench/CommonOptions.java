package org.aepdsm.bench;

import java.util.OptionalLong;

/**
 * Options every benchmark accepts besides its own: the original's {@code --entry=0x...} and {@code --skip-init},
 * and this port's {@code --direct} (the direct-link mode), {@code --peers}/{@code --no-peers} (measure the peers in
 * the same run), {@code --rounds=N} (measure ours and the peers N times in turn and report medians, see
 * {@link Rounds}) and {@code --out=DIR} (where results go).
 *
 * <p>Mutable while a command line is scanned, then read only; not thread-safe.
 */
public final class CommonOptions {
    private boolean skipInit;
    private boolean direct;
    private Boolean peers;
    private String out;
    private int rounds = 1;
    private long entry;
    private boolean entryGiven;

    /**
     * Takes {@code arg} if it is a common option.
     *
     * @return whether it was one
     * @throws org.aepdsm.api.AepException EINVAL {@code invalid entry: ...} for a malformed entry address, or
     *                                     naming a {@code --rounds} value that is not 1 to {@link Rounds#MAX}
     */
    public boolean accept(String arg) {
        if (arg.startsWith("--entry=")) {
            entry = CArgs.strtoul(arg.substring("--entry=".length()), "entry");
            entryGiven = true;
        } else if (arg.equals("--skip-init")) {
            skipInit = true;
        } else if (arg.equals("--direct")) {
            direct = true;
        } else if (arg.equals("--peers")) {
            peers = Boolean.TRUE;
        } else if (arg.equals("--no-peers")) {
            peers = Boolean.FALSE;
        } else if (arg.startsWith("--rounds=")) {
            rounds = parseRounds(arg.substring("--rounds=".length()));
        } else if (arg.startsWith("--out=") && arg.length() > "--out=".length()) {
            out = arg.substring("--out=".length());
        } else {
            return false;
        }
        return true;
    }

    private static int parseRounds(String text) {
        int n = text.matches("[0-9]{1,3}") ? Integer.parseInt(text) : 0;
        if (n < 1 || n > Rounds.MAX) {
            throw CArgs.refuse("--rounds must be a whole number from 1 to " + Rounds.MAX + ", not '" + text + "'");
        }
        return n;
    }

    /** How many rounds to measure: 1 unless {@code --rounds=N}. */
    public int rounds() {
        return rounds;
    }

    /** Whether INIT is skipped. */
    public boolean skipInit() {
        return skipInit;
    }

    /** Whether the direct-link entry is wanted. */
    public boolean direct() {
        return direct;
    }

    /** The entry address asked for, if any. */
    public OptionalLong entry() {
        return entryGiven ? OptionalLong.of(entry) : OptionalLong.empty();
    }

    /** Whether peers run: as asked, else {@code fallback}. */
    public boolean peers(boolean fallback) {
        return peers == null ? fallback : peers;
    }

    /** The results directory asked for, or null. */
    public String out() {
        return out;
    }

    /** The options as command-line words, for the results file. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        entry().ifPresent(e -> b.append(" --entry=0x").append(Long.toHexString(e)));
        if (skipInit) {
            b.append(" --skip-init");
        }
        if (direct) {
            b.append(" --direct");
        }
        if (rounds > 1) {
            b.append(" --rounds=").append(rounds);
        }
        return b.toString().trim();
    }
}

package org.aepdsm.bench;

import java.util.OptionalLong;

/**
 * Options every benchmark accepts besides its own: the original's {@code --entry=0x...} and {@code --skip-init},
 * and this port's {@code --direct} (the direct-link mode), {@code --peers}/{@code --no-peers} (measure the peers in
 * the same run) and {@code --out=DIR} (where results go).
 *
 * <p>Mutable while a command line is scanned, then read only; not thread-safe.
 */
public final class CommonOptions {
    private boolean skipInit;
    private boolean direct;
    private Boolean peers;
    private String out;
    private long entry;
    private boolean entryGiven;

    /**
     * Takes {@code arg} if it is a common option.
     *
     * @return whether it was one
     * @throws org.aepdsm.api.AepException EINVAL {@code invalid entry: ...} for a malformed entry address
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
        } else if (arg.startsWith("--out=") && arg.length() > "--out=".length()) {
            out = arg.substring("--out=".length());
        } else {
            return false;
        }
        return true;
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
        return b.toString().trim();
    }
}

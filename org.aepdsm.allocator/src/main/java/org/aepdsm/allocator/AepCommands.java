package org.aepdsm.allocator;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.api.ownership.GlobalRef;

/**
 * The {@code aep:} shell commands over the current shadow entry, as plain methods
 * returning the text to show. A refused call throws {@link AepException} whose
 * message starts with the errno name and says why, so a non-interactive run fails.
 * Handles are shown and parsed as {@code 0x} hex.
 *
 * <p>Thread-safe as far as the entry is: commands for one client must not run
 * concurrently with that client's other calls.
 */
public final class AepCommands {
    private static final String[] OPS = {"bad op", "init", "bitmap", "count", "malloc", "free", "link", "unlink",
        "send", "recv", "recover"};

    private final Supplier<PoolShadowEntry> entry;

    /** @param entry the current entry, or null when no backend is bound */
    public AepCommands(Supplier<PoolShadowEntry> entry) {
        this.entry = entry;
    }

    private PoolShadowEntry current() {
        PoolShadowEntry e = entry.get();
        if (e == null) {
            throw new AepException(Errno.ESTALE, "no allocator: no active memory backend is bound");
        }
        return e;
    }

    /**
     * Parses {@code 0x...} hex or decimal; only the first word counts, so the text {@code aep:alloc} prints can
     * be passed on as it is ({@code h = aep:alloc 1 64; aep:send 1 2 $h}).
     */
    public static long parse(String text) {
        String t = text.trim().split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("0x")) {
                return Long.parseUnsignedLong(t.substring(2), 16);
            }
            return Long.parseLong(t);
        } catch (NumberFormatException bad) {
            throw new AepException(Errno.EINVAL, "'" + text + "' is not a number (use 0x hex or decimal)");
        }
    }

    private long invoke(int op, long a0, long a1, long a2, String what) {
        PoolShadowEntry e = current();
        long rc = e.call(op, a0, a1, a2, 0);
        if (rc < 0) {
            Errno errno;
            try {
                errno = Errno.of(rc);
            } catch (IllegalArgumentException unknown) {
                throw new AepException(Errno.EINVAL, what + ": unknown result " + rc);
            }
            String why = e.explain(op, a0, a1, a2, rc);
            throw new AepException(errno, what + ": " + (why.isEmpty() ? errno.name() : why));
        }
        return rc;
    }

    /** aep:alloc. */
    public String alloc(int client, long size, int refs) {
        long h = invoke(ShadowEntry.MALLOC, client, size, refs, "alloc of " + size + " bytes by client " + client);
        return GlobalRef.hex(h) + "  (client " + client + ", " + size + " bytes, " + refs + " reference slots)";
    }

    /** aep:free. */
    public String free(int client, String handle) {
        long h = parse(handle);
        invoke(ShadowEntry.FREE, client, h, 0, "free of " + GlobalRef.hex(h) + " by client " + client);
        return "freed " + GlobalRef.hex(h);
    }

    /** aep:link. */
    public String link(int client, String slot, String target) {
        long s = parse(slot);
        long t = parse(target);
        invoke(ShadowEntry.LINK, client, s, t, "link of slot " + GlobalRef.hex(s) + " to " + GlobalRef.hex(t));
        return "slot " + GlobalRef.hex(s) + " -> " + GlobalRef.hex(t);
    }

    /** aep:unlink. */
    public String unlink(int client, String slot, String target) {
        long s = parse(slot);
        long t = parse(target);
        invoke(ShadowEntry.UNLINK, client, s, t, "unlink of slot " + GlobalRef.hex(s) + " from " + GlobalRef.hex(t));
        return "slot " + GlobalRef.hex(s) + " cleared";
    }

    /** aep:send. */
    public String send(int client, int destination, String handle) {
        long h = parse(handle);
        invoke(ShadowEntry.SEND, client, destination, h,
                "send of " + GlobalRef.hex(h) + " from client " + client + " to client " + destination);
        return "sent " + GlobalRef.hex(h) + " from client " + client + " to client " + destination;
    }

    /** aep:recv. */
    public String recv(int client, long source) {
        long h = invoke(ShadowEntry.RECV, client, source, 0, "recv by client " + client
                + (source < 0 ? " from any sender" : " from client " + source));
        return GlobalRef.hex(h) + "  (now owned by client " + client + ")";
    }

    /** aep:recover. */
    public String recover(long client) {
        long n = invoke(ShadowEntry.RECOVER, client, 0, 0, "recover of " + (client < 0 ? "all clients" : "client "
                + client));
        return "reclaimed " + n + " objects";
    }

    /** aep:stats. */
    public String stats() {
        AepAllocator a = current().allocator();
        AllocatorStats s = a.stats();
        StringBuilder b = new StringBuilder();
        List<Long> calls = s.callsPerOp();
        b.append("calls:");
        for (int op = 1; op < Math.min(calls.size(), OPS.length); op++) {
            b.append(' ').append(OPS[op]).append('=').append(calls.get(op));
        }
        b.append(" bad-op=").append(calls.isEmpty() ? 0 : calls.get(0)).append('\n');
        b.append("live objects:      ").append(s.liveObjects()).append('\n');
        b.append("live block bytes:  ").append(s.liveBytes()).append('\n');
        b.append("bytes in use:      ").append(s.bytesInUse()).append(" (").append(s.pagesInUse())
                .append(" pages of ").append(PoolLayout.PAGE).append(")\n");
        b.append("metadata bytes:    ").append(s.metadataBytes()).append(String.format(Locale.ROOT, " (%.2f%% of %d)%n",
                100.0 * s.metadataBytes() / Math.max(1, s.poolBytes()), s.poolBytes()));
        b.append("pool bytes/object: ").append(String.format(Locale.ROOT, "%.1f", s.poolBytesPerObject())).append('\n');
        b.append("segments by node:  ").append(s.segmentsByNode()).append('\n');
        b.append("pool access:       ").append(a.constantPoolAccess() ? "constant segment (hidden class)"
                : "segment in a field (the hidden class could not be defined)");
        return b.toString();
    }

    /** aep:bitmap. */
    public String bitmap() {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        long n = current().allocator().printBitmap(new PrintStream(text, true, StandardCharsets.UTF_8));
        if (n < 0) {
            throw new AepException(Errno.of(n), "bitmap: the pool is not initialized: INIT has not run on it");
        }
        return text.toString(StandardCharsets.UTF_8).stripTrailing();
    }

    /** aep:sweep. */
    public String sweep() {
        long n = current().allocator().sweep();
        if (n < 0) {
            throw new AepException(Errno.EINVAL, "sweep: the pool is not initialized");
        }
        return "swept: " + n + " repairs";
    }

    /** aep:gatecost. */
    public String gatecost(int client, long size, int rounds, long pairs) {
        PoolShadowEntry e = current();
        if (client < 0 || client >= e.allocator().topology().clients()) {
            throw new AepException(Errno.EINVAL, "client " + client + " is not in 0.."
                    + (e.allocator().topology().clients() - 1));
        }
        if (size <= 0 || rounds <= 0 || pairs <= 0) {
            throw new AepException(Errno.EINVAL, "size " + size + ", rounds " + rounds + " and pairs " + pairs
                    + " must be positive");
        }
        try {
            return GateCost.measure(e, client, size, rounds, pairs).toString();
        } catch (IllegalArgumentException | IllegalStateException refused) {
            throw new AepException(Errno.EINVAL, "gatecost: " + refused.getMessage());
        }
    }

    /**
     * Options of aep:pool: {@code --size=<MiB>} (or {@code --size <MiB>}) and {@code --skip-init}.
     *
     * @param sizeMiB  the size, or 0 to keep the configured one
     * @param skipInit attach instead of formatting
     */
    public record PoolOptions(int sizeMiB, boolean skipInit) {
        /** Parses the options. @throws AepException EINVAL naming an unknown option or a bad size */
        public static PoolOptions parse(String... options) {
            int size = 0;
            boolean skip = false;
            for (int i = 0; i < options.length; i++) {
                String o = options[i];
                if (o.equals("--skip-init")) {
                    skip = true;
                } else if (o.startsWith("--size=") || o.equals("--size") && i + 1 < options.length) {
                    String v = o.equals("--size") ? options[++i] : o.substring("--size=".length());
                    try {
                        size = Integer.parseInt(v);
                    } catch (NumberFormatException bad) {
                        size = -1;
                    }
                    if (size <= 0) {
                        throw new AepException(Errno.EINVAL, "pool size '" + v + "' is not a positive number of MiB");
                    }
                } else {
                    throw new AepException(Errno.EINVAL, "unknown option '" + o + "' (use --size=<MiB>, --skip-init)");
                }
            }
            return new PoolOptions(size, skip);
        }
    }

    /** The text of an open pool, or the refusal of one that is not. */
    public static String describe(PoolState.Outcome o) {
        if (!o.open()) {
            throw new AepException(Errno.ENOENT, "pool " + o.poolName() + " is not open"
                    + (o.backend().isEmpty() ? "" : " on backend " + o.backend()) + ": " + o.detail());
        }
        return "pool " + o.poolName() + " on " + o.backend() + ": " + (o.created() ? "created" : "attached") + "\n"
                + "geometry: " + o.detail();
    }

    /** The report of a finished process group; refuses (EIO, with every output) if a child failed. */
    public static String report(List<ProcessGroup.Result> results) {
        StringBuilder b = new StringBuilder();
        int failed = 0;
        for (ProcessGroup.Result r : results) {
            ProcessGroup.Child c = r.child();
            b.append("--- client process ").append(c.index()).append(" (pid ").append(c.process().pid())
                    .append(", clients ").append(c.firstClient()).append("..").append(c.firstClient() + c.clients() - 1)
                    .append(", node ").append(c.node()).append("): exit ").append(r.exitCode()).append('\n');
            b.append(r.output().stripTrailing()).append('\n');
            failed += r.ok() ? 0 : 1;
        }
        String text = b.toString().stripTrailing();
        if (failed > 0) {
            throw new AepException(Errno.EIO, failed + " of " + results.size() + " client processes failed\n" + text);
        }
        return text;
    }

    /** aep:fsck. */
    public String fsck() {
        FsckReport r = new ConsistencyChecker(current().allocator()).check();
        StringBuilder b = new StringBuilder();
        b.append(r.clean() ? "clean" : r.problems().size() + " problems").append(": ").append(r.liveObjects())
                .append(" live objects (").append(r.inFlight()).append(" in flight), ").append(r.spans())
                .append(" spans");
        for (FsckReport.Problem p : r.problems()) {
            b.append('\n').append("  ").append(p);
        }
        return b.toString();
    }
}

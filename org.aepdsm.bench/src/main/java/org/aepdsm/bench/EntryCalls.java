package org.aepdsm.bench;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.api.ownership.GlobalRef;

/**
 * The entry calls the benchmarks make, with the originals' retry loops ({@code recv_required}, {@code
 * send_required}) and errors turned into {@link AepException}s naming the call. The raw {@code call} is used so the
 * timed loops allocate nothing.
 *
 * <p>Stateless apart from the entry; thread-safe as the entry is (one client per thread).
 */
public final class EntryCalls {
    /** How long a receiver polls an empty mailbox before it declares the message lost. */
    private static final long RECV_PATIENCE_NANOS = 10_000_000_000L;
    private static final long EAGAIN = -Errno.EAGAIN.code();

    private final ShadowEntry entry;

    /** @param entry the entry to call */
    public EntryCalls(ShadowEntry entry) {
        this.entry = entry;
    }

    /** The entry called. */
    public ShadowEntry entry() {
        return entry;
    }

    /**
     * These calls as the calling thread should make them ({@link ShadowEntry#onThisThread()}): each worker thread
     * takes its own before its loop.
     */
    public EntryCalls onThisThread() {
        return new EntryCalls(entry.onThisThread());
    }

    /** MALLOC; returns the handle. */
    public long malloc(int client, long size, int refs) {
        long h = entry.call(ShadowEntry.MALLOC, client, size, refs, 0);
        if (h <= 0) {
            throw failed(h, "aep_dsm_malloc failed: client=" + client + " size=" + size, ShadowEntry.MALLOC, client,
                    size, refs);
        }
        return h;
    }

    /** FREE. */
    public void free(int client, long handle) {
        long r = entry.call(ShadowEntry.FREE, client, handle, 0, 0);
        if (r < 0) {
            throw failed(r, "aep_dsm_free failed: client=" + client + " object=" + GlobalRef.hex(handle),
                    ShadowEntry.FREE, client, handle, 0);
        }
    }

    /** LINK the slot at {@code slot} to {@code target}. */
    public void link(int client, long slot, long target) {
        long r = entry.call(ShadowEntry.LINK, client, slot, target, 0);
        if (r < 0) {
            throw failed(r, "aep_dsm_link failed: client=" + client + " slot=" + GlobalRef.hex(slot) + " target="
                    + GlobalRef.hex(target), ShadowEntry.LINK, client, slot, target);
        }
    }

    /** UNLINK the slot at {@code slot} from {@code target}. */
    public void unlink(int client, long slot, long target) {
        long r = entry.call(ShadowEntry.UNLINK, client, slot, target, 0);
        if (r < 0) {
            throw failed(r, "aep_dsm_unlink failed: client=" + client + " slot=" + GlobalRef.hex(slot) + " target="
                    + GlobalRef.hex(target), ShadowEntry.UNLINK, client, slot, target);
        }
    }

    /**
     * SEND, retried while the destination's mailbox is full (EAGAIN), as the original's {@code send_required}.
     *
     * @param what the original's failure message
     */
    public void send(int client, int destination, long handle, String what) {
        long r;
        while ((r = entry.call(ShadowEntry.SEND, client, destination, handle, 0)) == EAGAIN) {
            Thread.onSpinWait();
        }
        if (r < 0) {
            throw failed(r, what, ShadowEntry.SEND, client, destination, handle);
        }
    }

    /** RECV polled until a message arrives, as the original's {@code recv_required}. */
    public long recv(int client, long source) {
        long h = entry.call(ShadowEntry.RECV, client, source, 0, 0);
        if (h > 0) {
            return h;
        }
        return recvSlow(client, source, h);
    }

    private long recvSlow(int client, long source, long first) {
        long started = System.nanoTime();
        long h = first;
        for (long spins = 0; ; spins++) {
            if (h > 0) {
                return h;
            }
            if (h != EAGAIN) {
                throw failed(h == 0 ? -Errno.EINVAL.code() : h,
                        "recv failed: client " + client + " from " + source + " returned " + h, ShadowEntry.RECV,
                        client, source, 0);
            }
            if ((spins & 0x3ff) == 0x3ff && System.nanoTime() - started > RECV_PATIENCE_NANOS) {
                throw new AepException(Errno.EIO, "recv: client " + client + " waited "
                        + RECV_PATIENCE_NANOS / 1_000_000_000L + " s for a message from " + source
                        + " that never arrived");
            }
            Thread.onSpinWait();
            h = entry.call(ShadowEntry.RECV, client, source, 0, 0);
        }
    }

    /** INIT. */
    public void init() {
        long r = entry.call(ShadowEntry.INIT, 0, 0, 0, 0);
        if (r < 0) {
            throw failed(r, "aep_dsm_init failed", ShadowEntry.INIT, 0, 0, 0);
        }
    }

    /** A failed self-check, with the original's message. */
    public static AepException selfCheck(String message) {
        return new AepException(Errno.EIO, message);
    }

    /** The error of a refused call: the original's message, then the entry's reason when it gives one. */
    private AepException failed(long code, String what, int op, long a0, long a1, long a2) {
        Errno e;
        try {
            e = Errno.of(code);
        } catch (IllegalArgumentException unknown) {
            return new AepException(Errno.EIO, what + " (unknown error " + code + ")");
        }
        String why = entry.explain(op, a0, a1, a2, code);
        return new AepException(e, why.isEmpty() ? what : what + ": " + why);
    }
}

package org.aepdsm.api.entry;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.ownership.GlobalRef;

/**
 * A typed facade over a {@link ShadowEntry} for one client id: each method makes
 * one entry call and turns a negative result into an {@link AepException}.
 *
 * <p>Not thread-safe: one client id belongs to one thread at a time, as in AEP.
 */
public final class AepClient {
    private final ShadowEntry entry;
    private final int client;

    /**
     * @param entry  the entry to call
     * @param client this client's id
     */
    public AepClient(ShadowEntry entry, int client) {
        this.entry = Objects.requireNonNull(entry, "entry");
        this.client = client;
    }

    /** This client's id. */
    public int client() {
        return client;
    }

    /** The entry called. */
    public ShadowEntry entry() {
        return entry;
    }

    /** INIT. */
    public void init() {
        call(ShadowEntry.INIT, 0, 0, 0, "init");
    }

    /** PRINT_BITMAP; returns the number of allocated blocks printed. */
    public long printBitmap() {
        return call(ShadowEntry.PRINT_BITMAP, 0, 0, 0, "bitmap");
    }

    /** COUNT: live objects. */
    public long count() {
        return call(ShadowEntry.COUNT, 0, 0, 0, "count");
    }

    /** MALLOC of {@code size} bytes with room for {@code embeddedRefs} reference slots; returns the handle. */
    public long malloc(long size, int embeddedRefs) {
        return call(ShadowEntry.MALLOC, client, size, embeddedRefs,
                "malloc size=" + size);
    }

    /** MALLOC without reference slots. */
    public long malloc(long size) {
        return malloc(size, 0);
    }

    /** FREE. */
    public void free(long handle) {
        call(ShadowEntry.FREE, client, handle, 0, "free " + GlobalRef.hex(handle));
    }

    /** LINK: stores {@code target} in the slot at address {@code slot} and counts the reference. */
    public void link(long slot, long target) {
        call(ShadowEntry.LINK, client, slot, target,
                "link " + GlobalRef.hex(slot) + " -> " + GlobalRef.hex(target));
    }

    /** UNLINK: clears the slot at address {@code slot} that refers to {@code target}. */
    public void unlink(long slot, long target) {
        call(ShadowEntry.UNLINK, client, slot, target,
                "unlink " + GlobalRef.hex(slot) + " -> " + GlobalRef.hex(target));
    }

    /** SEND: moves ownership of {@code handle} to client {@code destination}. */
    public void send(int destination, long handle) {
        call(ShadowEntry.SEND, client, destination, handle,
                "send " + GlobalRef.hex(handle) + " to client " + destination);
    }

    /**
     * RECV from {@code source} ({@link ShadowEntry#ANY_SENDER} for any).
     *
     * @throws AepException {@code EAGAIN} when nothing is waiting
     */
    public long recv(long source) {
        return call(ShadowEntry.RECV, client, source, 0, "recv from " + source);
    }

    /** RECOVER {@code target} ({@link ShadowEntry#RECOVER_ALL} for all); returns objects reclaimed. */
    public long recover(long target) {
        return call(ShadowEntry.RECOVER, target, 0, 0, "recover " + target);
    }

    /** The bytes of an object of {@code size} bytes. */
    public MemorySegment bytes(long handle, long size) {
        return entry.memory().asSlice(GlobalRef.offsetOf(handle), size);
    }

    /** Makes one entry call; a refusal becomes an AepException with the errno and, when the entry can say, why. */
    private long call(int op, long a0, long a1, long a2, String what) {
        long result = entry.call(op, a0, a1, a2, 0);
        if (result < 0) {
            Errno e;
            try {
                e = Errno.of(result);
            } catch (IllegalArgumentException bad) {
                throw new AepException(Errno.EINVAL, what + ": op " + op + " returned unknown error " + result);
            }
            String why = entry.explain(op, a0, a1, a2, result);
            throw new AepException(e, what + " (client " + client + ")" + (why.isEmpty() ? "" : ": " + why));
        }
        return result;
    }
}

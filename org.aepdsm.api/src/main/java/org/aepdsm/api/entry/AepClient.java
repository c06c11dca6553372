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
        check(ShadowEntry.INIT, entry.call(ShadowEntry.INIT, 0, 0, 0, 0), "init");
    }

    /** PRINT_BITMAP; returns the number of allocated blocks printed. */
    public long printBitmap() {
        return check(ShadowEntry.PRINT_BITMAP, entry.call(ShadowEntry.PRINT_BITMAP, 0, 0, 0, 0), "bitmap");
    }

    /** COUNT: live objects. */
    public long count() {
        return check(ShadowEntry.COUNT, entry.call(ShadowEntry.COUNT, 0, 0, 0, 0), "count");
    }

    /** MALLOC of {@code size} bytes with room for {@code embeddedRefs} reference slots; returns the handle. */
    public long malloc(long size, int embeddedRefs) {
        return check(ShadowEntry.MALLOC, entry.call(ShadowEntry.MALLOC, client, size, embeddedRefs, 0),
                "malloc size=" + size);
    }

    /** MALLOC without reference slots. */
    public long malloc(long size) {
        return malloc(size, 0);
    }

    /** FREE. */
    public void free(long handle) {
        check(ShadowEntry.FREE, entry.call(ShadowEntry.FREE, client, handle, 0, 0), "free " + GlobalRef.hex(handle));
    }

    /** LINK: stores {@code target} in the slot at address {@code slot} and counts the reference. */
    public void link(long slot, long target) {
        check(ShadowEntry.LINK, entry.call(ShadowEntry.LINK, client, slot, target, 0),
                "link " + GlobalRef.hex(slot) + " -> " + GlobalRef.hex(target));
    }

    /** UNLINK: clears the slot at address {@code slot} that refers to {@code target}. */
    public void unlink(long slot, long target) {
        check(ShadowEntry.UNLINK, entry.call(ShadowEntry.UNLINK, client, slot, target, 0),
                "unlink " + GlobalRef.hex(slot) + " -> " + GlobalRef.hex(target));
    }

    /** SEND: moves ownership of {@code handle} to client {@code destination}. */
    public void send(int destination, long handle) {
        check(ShadowEntry.SEND, entry.call(ShadowEntry.SEND, client, destination, handle, 0),
                "send " + GlobalRef.hex(handle) + " to client " + destination);
    }

    /**
     * RECV from {@code source} ({@link ShadowEntry#ANY_SENDER} for any).
     *
     * @throws AepException {@code EAGAIN} when nothing is waiting
     */
    public long recv(long source) {
        return check(ShadowEntry.RECV, entry.call(ShadowEntry.RECV, client, source, 0, 0), "recv from " + source);
    }

    /** RECOVER {@code target} ({@link ShadowEntry#RECOVER_ALL} for all); returns objects reclaimed. */
    public long recover(long target) {
        return check(ShadowEntry.RECOVER, entry.call(ShadowEntry.RECOVER, target, 0, 0, 0), "recover " + target);
    }

    /** The bytes of an object of {@code size} bytes. */
    public MemorySegment bytes(long handle, long size) {
        return entry.memory().asSlice(GlobalRef.offsetOf(handle), size);
    }

    private long check(int op, long result, String what) {
        if (result < 0) {
            Errno e;
            try {
                e = Errno.of(result);
            } catch (IllegalArgumentException bad) {
                throw new AepException(Errno.EINVAL, what + ": op " + op + " returned unknown error " + result);
            }
            throw new AepException(e, what + " (client " + client + ")");
        }
        return result;
    }
}

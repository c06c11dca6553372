package org.aepdsm.api.entry;

import java.lang.foreign.MemorySegment;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The only door into the AEP-DSM allocator, which lives in an isolated space:
 * {@code call(op, a0, a1, a2, a3)} with AEP's operation numbers. Results are
 * non-negative; an error is a negative {@link org.aepdsm.api.Errno} code. The call
 * neither throws nor allocates on its hot path, whatever the arguments.
 *
 * <p>Operations and arguments (unused arguments are ignored):
 * <pre>
 *  op              a0         a1              a2            a3   result
 *  INIT          1  -          -               -             -    0
 *  PRINT_BITMAP  2  -          -               -             -    allocated blocks printed
 *  COUNT         3  -          -               -             -    live objects
 *  MALLOC        4  client     size            embedded refs -    handle (a global address)
 *  FREE          5  client     handle          -             -    0
 *  LINK          6  client     slot address    handle        -    0  (stores handle in the slot, +1 reference)
 *  UNLINK        7  client     slot address    handle        -    0  (clears the slot, -1 reference)
 *  SEND          8  client     destination     handle        -    1
 *  RECV          9  client     source or ANY   -             -    handle, or -EAGAIN when nothing waits
 *  RECOVER      10  client or RECOVER_ALL      -             -    objects reclaimed
 * </pre>
 *
 * <p>A handle is a {@link org.aepdsm.api.ownership.GlobalRef} value: the low 48 bits
 * are the object's offset in {@link #memory()}. Clients read and write object bytes
 * there; the allocator's metadata is not reachable through it.
 *
 * <p>Thread-safety: any thread may call; a client id must be used by one thread at a time.
 */
@ProviderType
public interface ShadowEntry {
    /** Initialise the allocator (the pool, unless attached to an initialized one). */
    int INIT = 1;
    /** Print the allocation bitmap. */
    int PRINT_BITMAP = 2;
    /** Count live objects. */
    int COUNT = 3;
    /** Allocate an object. */
    int MALLOC = 4;
    /** Free an object. */
    int FREE = 5;
    /** Store a reference in a slot and count it. */
    int LINK = 6;
    /** Clear a reference slot and uncount it. */
    int UNLINK = 7;
    /** Move ownership of an object to another client's mailbox. */
    int SEND = 8;
    /** Take an object from the mailbox. */
    int RECV = 9;
    /** Replay a client's redo log and reclaim what a dead client owned. */
    int RECOVER = 10;

    /** RECV from any sender. */
    long ANY_SENDER = -1;
    /** RECOVER every client. */
    long RECOVER_ALL = -1;

    /** The service property naming the entry instance ({@code --entry=0x...}). */
    String ENTRY_PROPERTY = "aepdsm.entry";

    /**
     * Calls the allocator.
     *
     * @return a non-negative result, or a negative errno
     */
    long call(int op, long a0, long a1, long a2, long a3);

    /** The client-visible memory that handles' offsets point into. */
    MemorySegment memory();

    /** The entry instance's address ({@code --entry=0x...} selects it). */
    long address();

    /** Whether calls skip the isolation gate (the {@code --direct} debugging and measuring mode). */
    boolean direct();

    /**
     * Why a call was refused: which check its arguments failed, in words naming the values (the errno itself is
     * {@code result}). For error reports only: it may read the pool again, and what it reads is the state at the
     * time of asking. Never throws.
     *
     * @param result the negative errno {@link #call} returned for {@code op} with {@code a0..a2}
     * @return the reason, or an empty string when the entry cannot say more than the errno
     */
    default String explain(int op, long a0, long a1, long a2, long result) {
        return "";
    }

    /**
     * This entry as the calling thread should hold it for a run of calls: the same allocator and answers, with
     * the thread's state in the isolation gate looked up once here instead of on every call. Keep it on the thread
     * that asked for it; from another thread it still works, at the cost of that lookup per call.
     *
     * @return an entry for the calling thread (this entry when it has nothing to keep)
     */
    default ShadowEntry onThisThread() {
        return this;
    }
}

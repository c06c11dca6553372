package org.aepdsm.allocator;

/**
 * The 64-bit header word of an object: in front of a slab block's bytes, or in
 * the span descriptor of a page run.
 *
 * <pre>
 *  63        48 47  44 43   37 36 35 34                                          0
 * +------------+------+-------+-----+---------------------------------------------+
 * | generation | 0xA  | class |state| OWNED/IN_FLIGHT: owner(12) local(12) remote(11)|
 * |   (16)     |magic | (7)   | (2) | FREE/REMOTE_FREE: next free block (low 21)    |
 * +------------+------+-------+-----+---------------------------------------------+
 * </pre>
 * The generation is the tag of the object's handles: freeing adds one, so every
 * handle of the previous life turns stale. Generations use 15 of the 16 bits
 * ({@link #GEN_MASK}) so that a handle is never negative, which would read as an errno. {@code owner} is the owning client while
 * {@code OWNED}, the destination while {@code IN_FLIGHT} (sent, not yet received).
 * {@code local} counts references from clients on the object's home node (the node of
 * the client that carved its span), {@code remote} those from other nodes: the two
 * levels of AEP's reference counts. A FREE block sits on its span's local free list,
 * a REMOTE_FREE one was freed by a client other than the span's and travels through
 * the span's remote stack; both link to the next free block in the low bits.
 *
 * <p>Pure functions on long values; thread-safe.
 */
public final class ObjectHeader {
    /** States. */
    public static final int FREE = 0, OWNED = 1, IN_FLIGHT = 2, REMOTE_FREE = 3;
    /** The end of a free chain. */
    public static final int NIL = (1 << 21) - 1;
    /** Largest local reference count. */
    public static final int MAX_LOCAL = (1 << 12) - 1;
    /** Largest remote reference count. */
    public static final int MAX_REMOTE = (1 << 11) - 1;

    /** Generations wrap within 15 bits. */
    public static final int GEN_MASK = 0x7FFF;

    private static final long MAGIC = 0xAL;

    private ObjectHeader() {
    }

    /** A live header. */
    public static long live(int gen, int cls, int state, int owner, int local, int remote) {
        return ((long) (gen & GEN_MASK) << 48) | (MAGIC << 44) | ((long) cls << 37) | ((long) state << 35)
                | ((long) owner << 23) | ((long) local << 11) | remote;
    }

    /** A free header linking to {@code next}. */
    public static long free(int gen, int cls, int state, int next) {
        return ((long) (gen & GEN_MASK) << 48) | (MAGIC << 44) | ((long) cls << 37) | ((long) state << 35) | next;
    }

    public static int gen(long h) {
        return (int) (h >>> 48);
    }

    public static boolean magicOk(long h) {
        return ((h >>> 44) & 0xF) == MAGIC;
    }

    public static int cls(long h) {
        return (int) (h >>> 37) & 0x7F;
    }

    public static int state(long h) {
        return (int) (h >>> 35) & 3;
    }

    public static int owner(long h) {
        return (int) (h >>> 23) & 0xFFF;
    }

    public static int local(long h) {
        return (int) (h >>> 11) & 0xFFF;
    }

    public static int remote(long h) {
        return (int) h & 0x7FF;
    }

    public static int refs(long h) {
        return local(h) + remote(h);
    }

    public static int next(long h) {
        return (int) h & NIL;
    }

    public static boolean isLive(long h) {
        int s = state(h);
        return s == OWNED || s == IN_FLIGHT;
    }

    /** Same header with another state and owner, counts kept. */
    public static long withOwner(long h, int state, int owner) {
        return (h & ~(0x3L << 35) & ~(0xFFFL << 23)) | ((long) state << 35) | ((long) owner << 23);
    }

    /** Same free header linking elsewhere. */
    public static long withNext(long h, int next) {
        return (h & ~(long) NIL) | next;
    }

    /** The header after a reference count change, or -1 if the count would leave its range. */
    public static long withRefDelta(long h, boolean remoteLevel, int delta) {
        if (remoteLevel) {
            int r = remote(h) + delta;
            return r < 0 || r > MAX_REMOTE ? -1 : (h & ~0x7FFL) | r;
        }
        int l = local(h) + delta;
        return l < 0 || l > MAX_LOCAL ? -1 : (h & ~(0xFFFL << 11)) | ((long) l << 11);
    }
}

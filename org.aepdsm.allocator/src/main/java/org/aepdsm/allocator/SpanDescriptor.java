package org.aepdsm.allocator;

/**
 * The 64-byte page-map entry of a page: the descriptor of a span (slab or page
 * run) when the page is a span's first page, a pointer to that first page when it
 * is a later page of the span, or free.
 *
 * <pre>
 *  +0  info    kind(2) @62 | class(7) @48 | carving client(16) @32 | pages(32) @0
 *              BODY pages: kind BODY | head page @0;  FREE pages: 0
 *  +8  alloc   used(21) @42 | bump(21) @21 | local free head(21) @0   (slab; only the carving client writes it)
 *  +16 remote  head of the remote-free stack (block index or NIL; CAS by freeing clients, exchanged by the owner)
 *  +24 links   prev(32) @32 | next(32) @0: the carving client's list of spans of this class
 *  +32 runHdr  a page run's object header (its bytes start at the page, so the header lives here)
 *  +40 runSize a page run's requested size in bytes
 *  +48 genword generation base of the last span carved here (low 16) | HELD bit 32, set once the page held
 *              a span; kept when the span is released, so stale handles into a free page answer ESTALE
 * </pre>
 * Invariants of a slab span: {@code bump <= capacity(class)}; blocks below {@code bump}
 * carry an object header; {@code used = bump - |local free list|} (blocks on the remote
 * stack still count as used until the owner collects them).
 *
 * <p>Pure functions and constants; thread-safe.
 */
public final class SpanDescriptor {
    /** Kinds. */
    public static final int FREE = 0, SLAB = 1, RUN = 2, BODY = 3;
    /** Field offsets in the entry. */
    public static final int INFO = 0, ALLOC = 8, REMOTE = 16, LINKS = 24, RUN_HEADER = 32, RUN_SIZE = 40, GEN = 48;
    /** No page (list end). */
    public static final int NIL_PAGE = -1;
    /** The HELD bit of the gen word. */
    public static final long HELD = 1L << 32;

    private static final long M21 = (1L << 21) - 1;

    private SpanDescriptor() {
    }

    public static long info(int kind, int cls, int owner, int pages) {
        return ((long) kind << 62) | ((long) cls << 48) | ((long) owner << 32) | (pages & 0xFFFFFFFFL);
    }

    public static long body(int head) {
        return ((long) BODY << 62) | (head & 0xFFFFFFFFL);
    }

    public static int kind(long info) {
        return (int) (info >>> 62);
    }

    public static int cls(long info) {
        return (int) (info >>> 48) & 0x7F;
    }

    public static int owner(long info) {
        return (int) (info >>> 32) & 0xFFFF;
    }

    /** Pages of a head entry, or the head page of a BODY entry. */
    public static int low(long info) {
        return (int) info;
    }

    public static long alloc(int used, int bump, int freeHead) {
        return ((long) used << 42) | ((long) bump << 21) | freeHead;
    }

    public static int used(long alloc) {
        return (int) (alloc >>> 42) & (int) M21;
    }

    public static int bump(long alloc) {
        return (int) (alloc >>> 21) & (int) M21;
    }

    public static int freeHead(long alloc) {
        return (int) (alloc & M21);
    }

    public static long links(int prev, int next) {
        return ((long) prev << 32) | (next & 0xFFFFFFFFL);
    }

    public static int prev(long links) {
        return (int) (links >>> 32);
    }

    public static int next(long links) {
        return (int) links;
    }
}

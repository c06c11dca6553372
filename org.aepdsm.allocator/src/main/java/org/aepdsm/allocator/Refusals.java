package org.aepdsm.allocator;

import static org.aepdsm.allocator.SpanDescriptor.ALLOC;
import static org.aepdsm.allocator.SpanDescriptor.BODY;
import static org.aepdsm.allocator.SpanDescriptor.GEN;
import static org.aepdsm.allocator.SpanDescriptor.HELD;
import static org.aepdsm.allocator.SpanDescriptor.INFO;
import static org.aepdsm.allocator.SpanDescriptor.RUN;
import static org.aepdsm.allocator.SpanDescriptor.RUN_HEADER;
import static org.aepdsm.allocator.SpanDescriptor.RUN_SIZE;
import static org.aepdsm.allocator.SpanDescriptor.SLAB;

import java.util.Locale;
import java.util.Optional;

import org.aepdsm.allocator.internal.PoolWords;
import org.aepdsm.api.Errno;
import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.api.ownership.GlobalRef;
import org.aepdsm.api.ownership.ObjectInfo;

/**
 * Why the entry refused a call, in words that name the values: the entry itself answers only an errno (its hot path
 * neither allocates nor explains), so after a refusal the console asks this class, which reads the pool again (inside
 * the protection domain, off the hot path) and finds the first check the arguments fail, in the order the entry
 * makes them. A state that changed between the call and the explanation (another client moved the object) is
 * described as it is now.
 *
 * <p>Thread-safety: reads only; safe from any thread.
 */
final class Refusals {
    private final PoolShadowEntry entry;
    private final AepAllocator allocator;

    Refusals(PoolShadowEntry entry) {
        this.entry = entry;
        this.allocator = entry.allocator();
    }

    /**
     * The reason for {@code errno} from {@code op} with arguments {@code a0..a2} (as passed to the entry).
     *
     * @return a sentence without the errno's name
     */
    String explain(Errno errno, int op, long a0, long a1, long a2) {
        if (entry.retired()) {
            return "the entry was retired: its memory backend went away or was swapped (open the pool again)";
        }
        if (!allocator.ready()) {
            return "the pool is not initialized: INIT has not run on it";
        }
        int clients = allocator.layout().clients();
        if (op != ShadowEntry.RECOVER && (a0 < 0 || a0 >= clients)) {
            return notClient("client", a0);
        }
        int c = (int) a0;
        return switch (op) {
            case ShadowEntry.MALLOC -> malloc(errno, a1, a2);
            case ShadowEntry.FREE -> object(errno, c, a1, "free");
            case ShadowEntry.SEND -> a1 < 0 || a1 >= clients ? notClient("destination", a1) : errno == Errno.EAGAIN
                    ? "the mailbox to client " + a1 + " is full (" + allocator.layout().mailboxSlots()
                            + " messages); the destination must receive first"
                    : object(errno, c, a2, "send");
            case ShadowEntry.RECV -> a1 != ShadowEntry.ANY_SENDER && (a1 < 0 || a1 >= clients) ? notClient("sender", a1)
                    : "no message is waiting" + (a1 == ShadowEntry.ANY_SENDER ? "" : " from client " + a1);
            case ShadowEntry.LINK, ShadowEntry.UNLINK -> reference(errno, op, c, a1, a2);
            case ShadowEntry.RECOVER -> notClient("client", a0) + " (or -1 for all)";
            default -> errno.name();
        };
    }

    private String notClient(String role, long value) {
        int clients = allocator.layout().clients();
        return role + " " + value + " is not a client of this pool (clients 0.." + (clients - 1) + " on "
                + allocator.layout().nodes() + " nodes)";
    }

    private String malloc(Errno errno, long size, long refs) {
        long largest = allocator.layout().dataEnd() - allocator.layout().dataStart();
        if (size <= 0) {
            return "size " + size + " is not a size: an object has at least 1 byte";
        }
        if (size > largest) {
            return "size " + size + " is larger than the pool's data area (" + largest + " bytes)";
        }
        if (refs < 0 || refs > size / 8) {
            return refs + " reference slots do not fit: an object of " + size + " bytes holds 0 to " + size / 8;
        }
        return errno == Errno.ENOMEM ? "no room for " + size + " bytes: the pool has no free block or run of pages"
                + " that large left" : errno.name();
    }

    /** FREE or SEND of {@code handle} by client {@code c}. */
    private String object(Errno errno, int c, long handle, String op) {
        Optional<ObjectInfo> live = allocator.describe(handle);
        if (live.isEmpty()) {
            return handleProblem(handle);
        }
        ObjectInfo o = live.get();
        String h = GlobalRef.hex(handle);
        if (o.inFlight()) {
            return h + " is in flight (sent, not yet received): no client owns it until it is received";
        }
        if (o.owner() != c) {
            return h + " belongs to client " + o.owner() + ", not to client " + c;
        }
        if (errno == Errno.EBUSY) {
            return h + " is still referenced from " + o.references() + " slot" + (o.references() == 1 ? "" : "s")
                    + "; unlink " + (o.references() == 1 ? "it" : "them") + " first";
        }
        return h + " is a live object of client " + c + "; the " + op + " was refused with " + errno.name();
    }

    /** LINK or UNLINK of {@code slot} to or from {@code target} by client {@code c}. */
    private String reference(Errno errno, int op, int c, long slot, long target) {
        String s = GlobalRef.hex(slot);
        Optional<String> slotProblem = allocator.inside(() -> slotProblem(c, slot));
        if (slotProblem.isPresent()) {
            return "slot " + s + ": " + slotProblem.get();
        }
        long held = allocator.inside(() -> allocator.words().get(slot & GlobalRef.OFFSET_MASK));
        if (op == ShadowEntry.LINK && held != 0) {
            return "slot " + s + " already holds " + GlobalRef.hex(held) + "; unlink it first";
        }
        if (op == ShadowEntry.UNLINK && (target == 0 || held != target)) {
            return "slot " + s + " holds " + (held == 0 ? "no reference" : GlobalRef.hex(held)) + ", not "
                    + GlobalRef.hex(target);
        }
        Optional<ObjectInfo> live = allocator.describe(target);
        if (live.isEmpty()) {
            return "target " + GlobalRef.hex(target) + ": " + handleProblem(target);
        }
        if (errno == Errno.ENOMEM) {
            return "target " + GlobalRef.hex(target) + " already has " + live.get().references()
                    + " references, the most its header counts";
        }
        if (op == ShadowEntry.UNLINK && errno == Errno.EINVAL) {
            return "target " + GlobalRef.hex(target) + " has no reference to drop at client " + c + "'s level"
                    + " (same-node or cross-node count is 0; " + live.get().references() + " in all)";
        }
        return "target " + GlobalRef.hex(target) + " is live; the " + (op == ShadowEntry.LINK ? "link" : "unlink")
                + " was refused with " + errno.name();
    }

    /** Why {@code handle} names no live object (the first check of the entry's handle validation it fails). */
    String handleProblem(long handle) {
        return allocator.inside(() -> handleProblemInside(handle));
    }

    private String handleProblemInside(long handle) {
        PoolLayout l = allocator.layout();
        PoolWords w = allocator.words();
        long off = handle & GlobalRef.OFFSET_MASK;
        Optional<String> place = placeProblem(off);
        if (place.isPresent()) {
            return place.get();
        }
        long page = l.pageOf(off);
        long info = w.get(l.pageEntry(page) + INFO);
        if (SpanDescriptor.kind(info) == BODY) {
            long head = SpanDescriptor.low(info);
            if (head < 0 || head >= l.pages()) {
                return "page " + page + " has a damaged descriptor (it names page " + head + " as its span's first)";
            }
            if (SpanDescriptor.kind(w.get(l.pageEntry(head) + INFO)) == RUN) {
                return insideRun(off, l.pageStart(head));
            }
            page = head;
            info = w.get(l.pageEntry(page) + INFO);
        }
        long e = l.pageEntry(page);
        int tag = (int) (handle >>> GlobalRef.OFFSET_BITS);
        switch (SpanDescriptor.kind(info)) {
            case SLAB -> {
                int cls = SpanDescriptor.cls(info);
                if (cls >= SizeClasses.count()) {
                    return "page " + page + " has a damaged descriptor (size class " + cls + ")";
                }
                int b = SizeClasses.blockSize(cls);
                long base = l.pageStart(page);
                long rel = off - SizeClasses.HEADER_BYTES - base;
                long idx = Math.floorDiv(rel, (long) b);
                if (rel < 0 || idx * b != rel) {
                    return String.format(Locale.ROOT, "offset 0x%x is not the start of an object: page %d holds"
                            + " %d-byte objects, the nearest starting at 0x%x", off, page, SizeClasses.usable(cls),
                            base + Math.max(0, idx) * b + SizeClasses.HEADER_BYTES);
                }
                if (idx >= SpanDescriptor.bump(w.get(e + ALLOC))) {
                    return "block " + idx + " of page " + page + " was never allocated";
                }
                return header(w.lv(base + rel), tag, cls);
            }
            case RUN -> {
                if (off != l.pageStart(page)) {
                    return insideRun(off, l.pageStart(page));
                }
                return header(w.lv(e + RUN_HEADER), tag, SizeClasses.RUN_CLASS);
            }
            default -> {
                return (w.get(e + GEN) & HELD) != 0 ? "the object was freed: page " + page + " was released"
                        : "page " + page + " holds no object: nothing was ever allocated there";
            }
        }
    }

    private static String insideRun(long off, long start) {
        return String.format(Locale.ROOT, "offset 0x%x lies inside the object at 0x%x (a run of pages); a handle"
                + " names an object's first byte", off, start);
    }

    /** The offset's place in the pool: inside the data area and 8-aligned, or what is wrong. */
    private Optional<String> placeProblem(long off) {
        PoolLayout l = allocator.layout();
        if (off < l.dataStart() || off >= l.dataEnd()) {
            return Optional.of(String.format(Locale.ROOT, "offset 0x%x is outside the pool's data area [0x%x, 0x%x)",
                    off, l.dataStart(), l.dataEnd()));
        }
        if ((off & 7) != 0) {
            return Optional.of(String.format(Locale.ROOT, "offset 0x%x is not 8-byte aligned", off));
        }
        return Optional.empty();
    }

    private static String header(long h, int tag, int cls) {
        if (!ObjectHeader.magicOk(h) || ObjectHeader.cls(h) != cls) {
            return String.format(Locale.ROOT, "the object's header is damaged (0x%016x)", h);
        }
        if (!ObjectHeader.isLive(h)) {
            return "the object was freed (its block is free)";
        }
        if (ObjectHeader.gen(h) != tag) {
            return "the object was freed: the handle has generation " + tag + ", the block now holds generation "
                    + ObjectHeader.gen(h) + " (a later object)";
        }
        return "the handle names a live object";
    }

    /** Why {@code slot} is not a slot of a live object client {@code c} owns; empty when it is. */
    private Optional<String> slotProblem(int c, long slot) {
        long off = slot & GlobalRef.OFFSET_MASK;
        Optional<String> place = placeProblem(off);
        if (place.isPresent()) {
            return place;
        }
        Optional<ObjectInfo> holder = holderOf(slot);
        if (holder.isEmpty()) {
            return Optional.of("not inside a live object whose generation the slot address carries (a slot address"
                    + " is an object's handle plus a multiple of 8 below its size)");
        }
        ObjectInfo o = holder.get();
        if (o.inFlight()) {
            return Optional.of("its object " + o.ref() + " is in flight (sent, not yet received)");
        }
        if (o.owner() != c) {
            return Optional.of("its object " + o.ref() + " belongs to client " + o.owner() + ", not to client " + c);
        }
        return Optional.empty();
    }

    /** The live object whose bytes hold the slot, with the slot's generation tag; empty if none. */
    private Optional<ObjectInfo> holderOf(long slot) {
        PoolLayout l = allocator.layout();
        PoolWords w = allocator.words();
        long off = slot & GlobalRef.OFFSET_MASK;
        long tag = slot & ~GlobalRef.OFFSET_MASK;
        long page = l.pageOf(off);
        long info = w.get(l.pageEntry(page) + INFO);
        if (SpanDescriptor.kind(info) == BODY) {
            page = SpanDescriptor.low(info);
            if (page < 0 || page >= l.pages()) {
                return Optional.empty();
            }
            info = w.get(l.pageEntry(page) + INFO);
        }
        long base = l.pageStart(page);
        if (SpanDescriptor.kind(info) == RUN) {
            return off < base + w.get(l.pageEntry(page) + RUN_SIZE) ? allocator.describe(tag | base)
                    : Optional.empty();
        }
        if (SpanDescriptor.kind(info) != SLAB || SpanDescriptor.cls(info) >= SizeClasses.count()) {
            return Optional.empty();
        }
        int b = SizeClasses.blockSize(SpanDescriptor.cls(info));
        long start = base + (off - base) / b * b + SizeClasses.HEADER_BYTES;
        return off < start ? Optional.empty() : allocator.describe(tag | start);
    }
}

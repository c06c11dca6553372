package org.aepdsm.bench;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.aepdsm.api.Errno;
import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.api.ownership.GlobalRef;

/**
 * A small, strict, in-memory {@link ShadowEntry} for tests: objects in a heap-backed segment (bump allocation with
 * per-size free lists), an owner per object, reference slots as the first 8*refs bytes, per-client FIFO mailboxes
 * of 511 messages. It refuses what the real allocator refuses: foreign or stale handles (EINVAL), non-owners and
 * objects in flight (EPERM), freeing a referenced object (EBUSY), full mailboxes (EAGAIN). Hooks let a subclass
 * corrupt payloads to prove the benchmarks' self-checks.
 *
 * <pre>
 *  handle = generation << 48 | offset   (offset 16-aligned, never 0)
 * </pre>
 * Thread-safe: every call holds the instance lock.
 */
class HeapEntry implements ShadowEntry {
    static final int CLIENTS = 40;
    private static final int MAILBOX = 511;

    /** One live object. */
    private static final class Obj {
        final long size;
        final int refs;
        final int tag;
        int owner;
        long references;

        Obj(long size, int refs, int tag, int owner) {
            this.size = size;
            this.refs = refs;
            this.tag = tag;
            this.owner = owner;
        }
    }

    private final MemorySegment memory;
    private final long address;
    private final boolean direct;
    private final Map<Long, Obj> objects = new HashMap<>();
    private final Map<Long, ArrayDeque<Long>> free = new HashMap<>();
    private final List<ArrayDeque<long[]>> mailboxes = new ArrayList<>();
    private long top = 16;
    private int generation = 1;
    int inits;

    HeapEntry() {
        this(8 << 20, 0xffffe8fffd801000L, false);
    }

    HeapEntry(long bytes, long address, boolean direct) {
        this.memory = MemorySegment.ofArray(new long[(int) (bytes / 8)]);
        this.address = address;
        this.direct = direct;
        for (int i = 0; i < CLIENTS; i++) {
            mailboxes.add(new ArrayDeque<>());
        }
    }

    @Override
    public MemorySegment memory() {
        return memory;
    }

    @Override
    public long address() {
        return address;
    }

    @Override
    public boolean direct() {
        return direct;
    }

    /** Called after a successful SEND, under the lock. */
    protected void afterSend(long handle) {
    }

    /** Called after a successful MALLOC, under the lock; may return a different handle. */
    protected long afterMalloc(long handle) {
        return handle;
    }

    /** Live objects. */
    synchronized int live() {
        return objects.size();
    }

    @Override
    public synchronized long call(int op, long a0, long a1, long a2, long a3) {
        return switch (op) {
            case INIT -> init();
            case PRINT_BITMAP -> 0;
            case COUNT -> objects.size();
            case MALLOC -> malloc(a0, a1, a2);
            case FREE -> free(a0, a1);
            case LINK -> link(a0, a1, a2, true);
            case UNLINK -> link(a0, a1, a2, false);
            case SEND -> send(a0, a1, a2);
            case RECV -> recv(a0, a1);
            case RECOVER -> 0;
            default -> -Errno.EINVAL.code();
        };
    }

    private long init() {
        inits++;
        objects.clear();
        free.clear();
        mailboxes.forEach(ArrayDeque::clear);
        top = 16;
        generation++;
        return 0;
    }

    private static boolean badClient(long c) {
        return c < 0 || c >= CLIENTS;
    }

    private long malloc(long client, long size, long refs) {
        if (badClient(client) || size <= 0 || size > (1 << 20) || refs < 0 || refs * 8 > size) {
            return -Errno.EINVAL.code();
        }
        long rounded = (size + 15) & ~15L;
        ArrayDeque<Long> list = free.get(rounded);
        long offset;
        if (list != null && !list.isEmpty()) {
            offset = list.pop();
        } else {
            if (top + rounded > memory.byteSize()) {
                return -Errno.ENOMEM.code();
            }
            offset = top;
            top += rounded;
        }
        memory.asSlice(offset, rounded).fill((byte) 0);
        objects.put(offset, new Obj(rounded, (int) refs, generation, (int) client));
        return afterMalloc(GlobalRef.of(generation, offset).value());
    }

    private Obj find(long handle) {
        Obj o = objects.get(GlobalRef.offsetOf(handle));
        return o != null && o.tag == GlobalRef.tagOf(handle) ? o : null;
    }

    private long free(long client, long handle) {
        Obj o = find(handle);
        if (o == null || badClient(client)) {
            return -Errno.EINVAL.code();
        }
        if (o.owner != client) {
            return -Errno.EPERM.code();
        }
        if (o.references != 0) {
            return -Errno.EBUSY.code();
        }
        objects.remove(GlobalRef.offsetOf(handle));
        free.computeIfAbsent(o.size, k -> new ArrayDeque<>()).push(GlobalRef.offsetOf(handle));
        return 0;
    }

    private long link(long client, long slot, long target, boolean link) {
        Obj t = find(target);
        long slotOffset = GlobalRef.offsetOf(slot);
        Obj holder = null;
        long holderOffset = -1;
        for (Map.Entry<Long, Obj> e : objects.entrySet()) {
            if (slotOffset >= e.getKey() && slotOffset < e.getKey() + 8L * e.getValue().refs
                    && (slotOffset - e.getKey()) % 8 == 0) {
                holder = e.getValue();
                holderOffset = e.getKey();
            }
        }
        if (t == null || holder == null || badClient(client) || holder.tag != GlobalRef.tagOf(slot)) {
            return -Errno.EINVAL.code();
        }
        if (holder.owner != client) {
            return -Errno.EPERM.code();
        }
        long current = memory.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, slotOffset);
        if (link) {
            if (current != 0) {
                return -Errno.EEXIST.code();
            }
            memory.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, slotOffset, target);
            t.references++;
        } else {
            if (current != target) {
                return -Errno.EINVAL.code();
            }
            memory.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, slotOffset, 0L);
            t.references--;
        }
        return holderOffset >= 0 ? 0 : -Errno.EINVAL.code();
    }

    private long send(long client, long destination, long handle) {
        Obj o = find(handle);
        if (o == null || badClient(client) || badClient(destination)) {
            return -Errno.EINVAL.code();
        }
        if (o.owner != client) {
            return -Errno.EPERM.code();
        }
        ArrayDeque<long[]> box = mailboxes.get((int) destination);
        if (box.size() >= MAILBOX) {
            return -Errno.EAGAIN.code();
        }
        o.owner = -1;
        box.add(new long[] {client, handle});
        afterSend(handle);
        return 1;
    }

    private long recv(long client, long source) {
        if (badClient(client)) {
            return -Errno.EINVAL.code();
        }
        Iterator<long[]> it = mailboxes.get((int) client).iterator();
        while (it.hasNext()) {
            long[] m = it.next();
            if (source == ANY_SENDER || m[0] == source) {
                it.remove();
                Obj o = find(m[1]);
                o.owner = (int) client;
                return m[1];
            }
        }
        return -Errno.EAGAIN.code();
    }
}

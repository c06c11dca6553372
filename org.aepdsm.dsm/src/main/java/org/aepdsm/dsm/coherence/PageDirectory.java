package org.aepdsm.dsm.coherence;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.aepdsm.api.dsm.PageState;
import org.aepdsm.dsm.cluster.NodeDownException;

/**
 * The origin's owner sets for one region, and the fault service built on them (Popcorn's
 * {@code __handle_remotefault_at_origin}, reader-replicate / writer-invalidate).
 *
 * <pre>
 *   entry[page] = { lock, owners: sorted node ids holding a valid copy, writer: node or -1, lost }
 *
 *   read fault from R   source = writer, else any owner (the origin itself first)
 *                       fetch: the writer downgrades, a reader keeps its copy
 *                       owners += R (and += origin, which keeps a copy of what it relayed)
 *   write fault from R  R in owners: no data needed (grant without data)
 *                       else fetch from a source (which keeps a read-only copy until the next step)
 *                       invalidate every other owner, wait for all acks
 *                       owners = {R}, writer = R
 *   node N leaves       N leaves every owner set; a page with no owner left is lost for good
 * </pre>
 *
 * Invariants: writer != -1 implies owners == {writer}; a lost page has no owners. One fault per page is
 * served at a time (the entry lock, held while waiting for holders, never while waiting for the
 * requester), and the answer is handed to the delivery callback under that lock: the response to the
 * requester leaves before any later invalidation of that page, and per-sender FIFO delivery keeps that
 * order at the requester. Thread-safe.
 */
public final class PageDirectory {
    /** How the origin reaches other holders; calls block and must not be made from a delivery thread. */
    public interface Holders {
        /**
         * Fetches the page from a holder.
         *
         * @return the bytes, or null when that node holds no valid copy
         * @throws NodeDownException when the holder left
         */
        byte[] fetch(int node, long page, FetchMode mode);

        /** Invalidates the page at each node and waits for every ack; nodes that left count as acked. */
        void invalidate(List<Integer> nodes, long page);

        /** Whether a node is a live member. */
        boolean alive(int node);
    }

    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock(true);
        int[] owners;
        int writer;
        boolean lost;
    }

    private final String region;
    private final int self;
    private final LocalPages local;
    private final Holders holders;
    private final Entry[] entries;
    final AtomicLong invalidationsSent = new AtomicLong();
    final AtomicLong grantsWithoutData = new AtomicLong();
    final AtomicLong remoteFetches = new AtomicLong();
    final AtomicLong served = new AtomicLong();

    /** A directory where the origin {@code self} holds every page, writable (they are zero). */
    public PageDirectory(String region, int self, LocalPages local, Holders holders) {
        this.region = region;
        this.self = self;
        this.local = local;
        this.holders = holders;
        this.entries = new Entry[local.pages()];
        for (int i = 0; i < entries.length; i++) {
            Entry e = new Entry();
            e.owners = new int[] {self};
            e.writer = self;
            entries[i] = e;
        }
    }

    /**
     * Serves one fault. {@code deliver} receives the grant under the page's lock: for the origin itself it
     * installs locally, for another node it sends the response.
     */
    public void serve(int requester, long page, boolean write, Consumer<Grant> deliver) {
        Entry e = entries[(int) page];
        e.lock.lock();
        try {
            decide(e, requester, page, write, deliver);
        } finally {
            e.lock.unlock();
        }
    }

    /**
     * Serves one fault only if that is possible without waiting: the page's entry is free now, and no
     * other node must be asked (the origin holds the data or the requester's copy suffices, and there is
     * no copy to invalidate but the origin's own). Delivery threads use this to answer at once.
     *
     * @return whether the fault was served; if not, nothing changed
     */
    public boolean serveAtOnce(int requester, long page, boolean write, Consumer<Grant> deliver) {
        Entry e = entries[(int) page];
        if (!e.lock.tryLock()) {
            return false;
        }
        try {
            if (!needsNoOtherNode(e, requester, write)) {
                return false;
            }
            decide(e, requester, page, write, deliver);
            return true;
        } finally {
            e.lock.unlock();
        }
    }

    /** Whether serving this fault touches no other node than the requester. */
    private boolean needsNoOtherNode(Entry e, int requester, boolean write) {
        if (e.lost) {
            return true;
        }
        boolean has = contains(e.owners, requester);
        if (!has && !contains(e.owners, self)) {
            return false;
        }
        if (!write) {
            return true;
        }
        for (int o : e.owners) {
            if (o != requester && o != self) {
                return false;
            }
        }
        return true;
    }

    private void decide(Entry e, int requester, long page, boolean write, Consumer<Grant> deliver) {
        served.incrementAndGet();
        if (requester != self && !holders.alive(requester)) {
            return;
        }
        if (e.lost) {
            deliver.accept(new Grant.Lost(lostMessage(page)));
            return;
        }
        boolean has = contains(e.owners, requester);
        if (!write) {
            if (has) {
                deliver.accept(new Grant.NoData());
                return;
            }
            byte[] data = obtain(e, page, false);
            if (data == null) {
                deliver.accept(new Grant.Lost(lostMessage(page)));
                return;
            }
            e.owners = add(e.owners, requester);
            // the origin's own read fault: obtain() already put the copy in place here
            deliver.accept(requester == self ? new Grant.NoData() : new Grant.Data(data));
            return;
        }
        byte[] data = has ? null : obtain(e, page, true);
        if (!has && data == null) {
            deliver.accept(new Grant.Lost(lostMessage(page)));
            return;
        }
        List<Integer> others = new ArrayList<>();
        for (int o : e.owners) {
            if (o == requester) {
                continue;
            }
            if (o == self) {
                local.invalidate(page);
            } else {
                others.add(o);
            }
        }
        if (!others.isEmpty()) {
            invalidationsSent.addAndGet(others.size());
            holders.invalidate(others, page);
        }
        e.owners = new int[] {requester};
        e.writer = requester;
        if (has) {
            grantsWithoutData.incrementAndGet();
            deliver.accept(new Grant.NoData());
        } else {
            deliver.accept(new Grant.Data(data));
        }
    }

    /**
     * Gets the page's bytes from a holder for a requester that holds none. The source keeps a read-only
     * copy (a writer downgrades), so a failure later in the fault loses nothing; a write fault then
     * invalidates it with the other owners. For a read the origin keeps a copy of what it relays. A holder
     * that left is dropped and the next one tried; none left means the page is lost.
     */
    private byte[] obtain(Entry e, long page, boolean write) {
        while (e.owners.length > 0) {
            boolean fromSelf = contains(e.owners, self);
            int source = fromSelf ? self : e.writer != -1 ? e.writer : e.owners[0];
            FetchMode mode = source == e.writer ? FetchMode.DOWNGRADE : FetchMode.KEEP;
            byte[] data;
            if (fromSelf) {
                data = local.fetch(page, mode);
            } else {
                try {
                    remoteFetches.incrementAndGet();
                    data = holders.fetch(source, page, mode);
                } catch (NodeDownException gone) {
                    data = null;
                }
            }
            if (e.writer == source) {
                e.writer = -1;
            }
            if (data == null) {
                // the holder left or has no copy: it is no owner
                e.owners = remove(e.owners, source);
                continue;
            }
            if (!write && !fromSelf) {
                local.install(page, data, false);
                e.owners = add(e.owners, self);
            }
            return data;
        }
        e.lost = true;
        e.writer = -1;
        return null;
    }

    /**
     * A node left: it leaves every owner set. Pages it alone held become lost.
     *
     * @return how many pages were lost now
     */
    public int forget(int node) {
        int lostNow = 0;
        for (Entry e : entries) {
            e.lock.lock();
            try {
                if (contains(e.owners, node)) {
                    e.owners = remove(e.owners, node);
                    if (e.writer == node) {
                        e.writer = -1;
                    }
                    if (e.owners.length == 0 && !e.lost) {
                        e.lost = true;
                        lostNow++;
                    }
                }
            } finally {
                e.lock.unlock();
            }
        }
        return lostNow;
    }

    /** The page's state now. */
    public PageState state(long page) {
        Entry e = entries[(int) page];
        e.lock.lock();
        try {
            return new PageState(page, Set.copyOf(Arrays.stream(e.owners).boxed().toList()), e.writer, e.lost);
        } finally {
            e.lock.unlock();
        }
    }

    private String lostMessage(long page) {
        return "page " + page + " of region '" + region + "' is lost: every node holding a copy died";
    }

    private static boolean contains(int[] set, int node) {
        return Arrays.binarySearch(set, node) >= 0;
    }

    private static int[] add(int[] set, int node) {
        int i = Arrays.binarySearch(set, node);
        if (i >= 0) {
            return set;
        }
        int at = -i - 1;
        int[] out = new int[set.length + 1];
        System.arraycopy(set, 0, out, 0, at);
        out[at] = node;
        System.arraycopy(set, at, out, at + 1, set.length - at);
        return out;
    }

    private static int[] remove(int[] set, int node) {
        int i = Arrays.binarySearch(set, node);
        if (i < 0) {
            return set;
        }
        int[] out = new int[set.length - 1];
        System.arraycopy(set, 0, out, 0, i);
        System.arraycopy(set, i + 1, out, i, set.length - i - 1);
        return out;
    }
}

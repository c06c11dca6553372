package org.aepdsm.dsm.coherence;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
 *   entry[page] = { lock, owners: sorted node ids holding a valid copy, grants: the grant number that
 *                   made each owner one, writer: node or -1, seq: the page's last grant number, lost }
 *
 *   read fault from R   the origin itself in owners: nothing to send
 *                       origin holds it: data from here
 *                       else relayed: the origin fetches from a holder H (the writer, which
 *                         downgrades, else the lowest owner), keeps a copy and answers R with the data
 *                       owners += R (and the origin)
 *   write fault from R  R in owners: no data needed (grant without data)
 *                       the only copy is at another node H: fetched from H, which gives it up
 *                       else fetch from a source (which keeps a read-only copy until the next step)
 *                       invalidate every other owner, wait for all acks
 *                       owners = {R}, writer = R
 *   node N leaves       N leaves every owner set; a page with no owner left is lost for good
 *   origin O died       the new origin rebuilds every entry from the survivors' reports
 *                       ({@link #rebuilt}): owners = nodes with a valid copy, each with the grant
 *                       it reports; writer = the node with an EXCLUSIVE copy; seq = the highest
 *                       grant any survivor reports; no valid copy anywhere: lost, O held the only one
 * </pre>
 *
 * Invariants: writer != -1 implies owners == {writer}; a lost page has no owners. One fault per page is
 * served at a time (the entry lock, held while waiting for holders, never while waiting for the
 * requester), and every grant has a number above the last; each fetch and invalidation names the grant
 * that made its holder one, and the holder serves it only once that grant is in place there
 * ({@link LocalPages#awaitGrant}), so a request can never overtake the data it is about, whichever link
 * each travelled on.
 *
 * <p>Why the origin relays the data instead of having the holder send it to R: on call links a relay is
 * two round trips whose every answer is read by the thread that waits for it (origin, holder, origin,
 * requester), and the entry is free as soon as R has its answer. Sent by the holder, the data is one and
 * a half round trips away, but it reaches R on another link, whose reader thread wakes the faulting
 * thread, which also wakes for the origin's own answer, and the origin keeps the entry locked until the
 * holder reports back, so the next fault on the page waits for that report too: on shared cores both
 * measured slower, the write most of all.
 *
 * <p>Thread-safe.
 */
public final class PageDirectory {
    /** How the origin reaches other holders; calls block and must not be made from a delivery thread. */
    public interface Holders {
        /**
         * Fetches the page from a holder that became one by grant {@code grant}.
         *
         * @return the bytes, or null when that node holds no valid copy
         * @throws NodeDownException when the holder left
         */
        byte[] fetch(int node, int grant, long page, FetchMode mode);

        /**
         * Invalidates the page at each node (which became a holder by the grant at the same index) and
         * waits for every ack; nodes that left count as acked.
         */
        void invalidate(int[] nodes, int[] grants, long page);

        /** Whether a node is a live member. */
        boolean alive(int node);
    }

    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock(true);
        int[] owners;
        int[] grants;
        int writer;
        int seq;
        boolean lost;
        /** Why the page is lost when that is not the usual "every holder died", else null. */
        String lostWhy;

        boolean owns(int node) {
            return Arrays.binarySearch(owners, node) >= 0;
        }

        int grantOf(int node) {
            int i = Arrays.binarySearch(owners, node);
            return i >= 0 ? grants[i] : 0;
        }

        void add(int node, int grant) {
            int i = Arrays.binarySearch(owners, node);
            if (i >= 0) {
                grants[i] = grant;
                return;
            }
            int at = -i - 1;
            owners = insert(owners, at, node);
            grants = insert(grants, at, grant);
        }

        void remove(int node) {
            int i = Arrays.binarySearch(owners, node);
            if (i >= 0) {
                owners = delete(owners, i);
                grants = delete(grants, i);
            }
        }

        void only(int node, int grant) {
            owners = new int[] {node};
            grants = new int[] {grant};
        }

        private static int[] insert(int[] a, int at, int v) {
            int[] out = new int[a.length + 1];
            System.arraycopy(a, 0, out, 0, at);
            out[at] = v;
            System.arraycopy(a, at, out, at + 1, a.length - at);
            return out;
        }

        private static int[] delete(int[] a, int i) {
            int[] out = new int[a.length - 1];
            System.arraycopy(a, 0, out, 0, i);
            System.arraycopy(a, i + 1, out, i, a.length - i - 1);
            return out;
        }
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
            e.only(self, 0);
            e.writer = self;
            entries[i] = e;
        }
    }

    private PageDirectory(String region, int self, LocalPages local, Holders holders, Entry[] entries) {
        this.region = region;
        this.self = self;
        this.local = local;
        this.holders = holders;
        this.entries = entries;
    }

    /**
     * The directory of a new origin {@code self} after origin {@code deadOrigin} died, rebuilt from what
     * each live node reports of its copy ({@code reports}, keyed by node, this node's own included; a
     * node with no report holds nothing). A page with an EXCLUSIVE holder keeps it as writer; should
     * another node also report a valid copy of it, that copy is invalidated here, since the writer may
     * have written since. A page no report holds validly is lost. Blocks while it invalidates.
     */
    public static PageDirectory rebuilt(String region, int self, LocalPages local, Holders holders, int deadOrigin,
            Map<Integer, LocalPages.Copies> reports) {
        Map<Integer, LocalPages.Copies> byNode = new TreeMap<>(reports);
        Entry[] entries = new Entry[local.pages()];
        PageDirectory d = new PageDirectory(region, self, local, holders, entries);
        for (int page = 0; page < entries.length; page++) {
            Entry e = new Entry();
            e.owners = new int[0];
            e.grants = new int[0];
            e.writer = -1;
            boolean first = true;
            for (Map.Entry<Integer, LocalPages.Copies> r : byNode.entrySet()) {
                int node = r.getKey();
                byte s = r.getValue().states()[page];
                int g = r.getValue().grants()[page];
                if (first || g - e.seq > 0) {
                    e.seq = g;
                    first = false;
                }
                if (s != LocalPages.INVALID) {
                    e.add(node, g);
                }
                if (s == LocalPages.EXCLUSIVE) {
                    e.writer = node;
                }
            }
            if (e.writer != -1 && e.owners.length > 1) {
                d.keepOnlyWriter(e, page);
            }
            if (e.owners.length == 0) {
                e.lost = true;
                e.lostWhy = "page " + page + " of region '" + region + "' is lost: origin node " + deadOrigin
                        + " died holding the only copy";
            }
            entries[page] = e;
        }
        return d;
    }

    /** Invalidates every copy of the page but node {@code keep}'s: here directly, elsewhere by request. */
    private void invalidateAllBut(Entry e, long page, int keep) {
        int n = 0;
        int[] others = new int[e.owners.length];
        int[] grants = new int[e.owners.length];
        for (int i = 0; i < e.owners.length; i++) {
            int o = e.owners[i];
            if (o == keep) {
                continue;
            }
            if (o == self) {
                local.invalidate(page);
            } else {
                others[n] = o;
                grants[n++] = e.grants[i];
            }
        }
        if (n > 0) {
            invalidationsSent.addAndGet(n);
            holders.invalidate(Arrays.copyOf(others, n), Arrays.copyOf(grants, n), page);
        }
    }

    private void keepOnlyWriter(Entry e, long page) {
        invalidateAllBut(e, page, e.writer);
        e.only(e.writer, e.grantOf(e.writer));
    }

    /** How many pages are lost now. */
    public int lostPages() {
        int n = 0;
        for (Entry e : entries) {
            e.lock.lock();
            try {
                if (e.lost) {
                    n++;
                }
            } finally {
                e.lock.unlock();
            }
        }
        return n;
    }

    /**
     * Serves one fault. {@code deliver} receives the grant under the page's lock, exactly once: for the
     * origin itself it installs locally, for another node it sends the response to its request.
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

    private void decide(Entry e, int requester, long page, boolean write, Consumer<Grant> deliver) {
        served.incrementAndGet();
        if (requester != self && !holders.alive(requester)) {
            deliver.accept(new Grant.Lost("node " + requester + " left"));
            return;
        }
        if (e.lost) {
            deliver.accept(new Grant.Lost(lostMessage(e, page)));
            return;
        }
        boolean has = e.owns(requester);
        boolean remote = requester != self;
        if (!write) {
            if (has && remote) {
                // a node asks to read only when it holds no valid copy: the one counted here is gone (its
                // fault failed after the grant was sent), so it is served like any other reader
                e.remove(requester);
                has = false;
            }
            if (has) {
                deliver.accept(new Grant.NoData(e.grantOf(requester)));
                return;
            }
            byte[] data = obtain(e, page, false);
            if (data == null) {
                deliver.accept(new Grant.Lost(lostMessage(e, page)));
                return;
            }
            int g = ++e.seq;
            e.add(requester, g);
            // obtain() put a copy in place here, which the origin's own read fault uses as it is
            deliver.accept(remote ? new Grant.Data(data, g) : new Grant.NoData(g));
            return;
        }
        byte[] data = has ? null : obtain(e, page, true);
        if (!has && data == null) {
            deliver.accept(new Grant.Lost(lostMessage(e, page)));
            return;
        }
        invalidateAllBut(e, page, requester);
        int g = ++e.seq;
        e.only(requester, g);
        e.writer = requester;
        if (has) {
            grantsWithoutData.incrementAndGet();
            deliver.accept(new Grant.NoData(g));
        } else {
            deliver.accept(new Grant.Data(data, g));
        }
    }

    /**
     * Gets the page's bytes for a requester that holds none. For a read, or a write while several nodes
     * hold copies, the source keeps a read-only copy (a writer downgrades), so a failure later in the
     * fault loses nothing, and a write then invalidates it with the other owners. For a write of a page
     * only another node holds the source gives its copy up as it hands it over: one round trip instead
     * of a fetch and an invalidation. For a read the
     * copy is also put in place here, so the origin serves the next reader itself. A holder that left is
     * dropped and the next one tried; none left means the page is lost.
     */
    private byte[] obtain(Entry e, long page, boolean write) {
        while (e.owners.length > 0) {
            boolean fromSelf = e.owns(self);
            int source = fromSelf ? self : e.writer != -1 ? e.writer : e.owners[0];
            FetchMode mode = write && !fromSelf && e.owners.length == 1 ? FetchMode.DROP
                    : source == e.writer ? FetchMode.DOWNGRADE : FetchMode.KEEP;
            byte[] data;
            if (fromSelf) {
                data = local.fetch(page, mode);
            } else {
                try {
                    remoteFetches.incrementAndGet();
                    data = holders.fetch(source, e.grantOf(source), page, mode);
                } catch (NodeDownException gone) {
                    data = null;
                }
            }
            if (e.writer == source) {
                e.writer = -1;
            }
            if (data == null) {
                // the holder left or has no copy: it is no owner
                e.remove(source);
                continue;
            }
            if (mode == FetchMode.DROP) {
                e.remove(source);
            }
            if (!write && !fromSelf) {
                local.install(page, data, false);
                e.add(self, e.seq);
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
                if (e.owns(node)) {
                    e.remove(node);
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

    private String lostMessage(Entry e, long page) {
        if (e.lostWhy != null) {
            return e.lostWhy;
        }
        return "page " + page + " of region '" + region + "' is lost: every node holding a copy died";
    }
}

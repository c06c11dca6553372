package org.aepdsm.mmview;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.Mapping;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.api.memory.ViewableSpace;
import org.aepdsm.api.view.Range;
import org.aepdsm.api.view.ViewException;
import org.aepdsm.api.view.ViewInfo;
import org.aepdsm.api.view.ViewSet;

/**
 * The views of one address space, with mmview's seven operations and their errors; the analogue of
 * the kernel's {@code mm_common}. The views themselves are members of one backend view group
 * ({@link ViewableSpace}), which keeps them in sync; this class keeps ids, the base, and which
 * thread is in which view.
 *
 * <pre>
 *   views   (id -> View)      0 (base) ---- 1 ---- 2 (deleted, 1 thread left) ...
 *   threads (Thread -> View)  main -> 0, worker-1 -> 2, worker-2 -> 1
 *   View: id, space (a member of the group), deleted flag, users = threads whose current view it is
 * </pre>
 *
 * <p>Invariants: ids start at 0 for the initial view and grow by one per created view, never reused;
 * {@code views} holds every view that is not deleted plus every deleted view that still has users
 * (a deleted view's space is closed, freeing its memory, when its users reach 0); the base is never
 * deleted; a view's users equal the number of {@code threads} entries that point at it.
 *
 * <p>Threads: a thread joins the set, in the base view, at its first call (threads that never call are
 * no part of this "process"). A thread that ends stays counted until the next CREATE, DELETE,
 * UNSHARE, SHARE, SWITCH_BASE or {@link #views()}, which drop ended threads first, so that a dead
 * thread never pins a deleted view or blocks UNSHARE for longer than that; MIGRATE and CURRENT skip
 * this sweep to stay O(1).
 *
 * <p>Check order follows mmview (see each method). SWITCH_BASE from a deleted view (possible for a
 * thread that deleted its own current view) makes that view live again, since the base cannot be
 * deleted.
 *
 * <p>Thread-safety: every method may be called from any thread; one lock guards the tables.
 * Ownership: the set owns the spaces of the views it created and closes them on DELETE and
 * {@link #close()}; the initial space is closed only if the set was told it owns it, or when view 0
 * itself is deleted after a SWITCH_BASE.
 */
public final class SpaceViews implements ViewSet, AutoCloseable {
    private final Object lock = new Object();
    private final TreeMap<Long, View> views = new TreeMap<>();
    private final Map<Thread, View> threads = new HashMap<>();
    private final boolean ownsInitial;
    private long nextId;
    private View base;
    private boolean closed;

    /** A view of the process: the backend space that realises it and who is in it. Guarded by the set's lock. */
    private static final class View {
        final long id;
        final ViewableSpace space;
        boolean deleted;
        int users;

        View(long id, ViewableSpace space) {
            this.id = id;
            this.space = space;
        }
    }

    /**
     * The views of {@code space}, which becomes view 0 and the base.
     *
     * @param space       the address space; it must have no views yet
     * @param ownsInitial whether {@link #close()} closes {@code space} too
     * @throws ViewException {@code EINVAL} if the space already has views
     */
    public SpaceViews(ViewableSpace space, boolean ownsInitial) {
        if (space.viewCount() != 1) {
            throw new ViewException(Errno.EINVAL, "address space " + space.id() + " already has "
                    + (space.viewCount() - 1) + " view(s) of another view set");
        }
        this.ownsInitial = ownsInitial;
        this.base = new View(nextId++, space);
        views.put(base.id, base);
    }

    // ---------------------------------------------------------------- the seven operations

    /** CREATE: duplicates the caller's current view; the caller stays where it is. Only error: {@code ENOMEM}. */
    @Override
    public long create() {
        synchronized (lock) {
            checkOpen();
            sweepEndedThreads();
            View from = join();
            ViewableSpace space;
            try {
                space = from.space.createView();
            } catch (AepException e) {
                if (e.errno() == Errno.ENOMEM) {
                    throw new ViewException(Errno.ENOMEM, "out of memory creating a view of view " + from.id + ": "
                            + reason(e));
                }
                throw e;
            }
            View v = new View(nextId++, space);
            views.put(v.id, v);
            return v.id;
        }
    }

    /** DELETE: {@code EPERM} for the base view first, then {@code EINVAL} for an unknown or deleted id. */
    @Override
    public void delete(long id) {
        synchronized (lock) {
            checkOpen();
            sweepEndedThreads();
            View v = views.get(id);
            if (v != null && v == base) {
                throw new ViewException(Errno.EPERM, "view " + id + " is the base view; SWITCH_BASE to another view first");
            }
            if (v == null || v.deleted) {
                throw new ViewException(Errno.EINVAL, "view " + id + (v == null ? " does not exist" : " is already deleted"));
            }
            v.deleted = true;
            if (v.users == 0) {
                free(v);
            }
        }
    }

    @Override
    public long current() {
        synchronized (lock) {
            checkOpen();
            return join().id;
        }
    }

    /**
     * MIGRATE: {@code EINVAL} for an unknown or deleted id, except the caller's own current view, which
     * mmview's lookup always finds (migrating there is a no-op that returns its id).
     */
    @Override
    public long migrate(long id) {
        synchronized (lock) {
            checkOpen();
            View from = join();
            if (from.id == id) {
                return id;
            }
            View to = views.get(id);
            if (to == null || to.deleted) {
                throw new ViewException(Errno.EINVAL, "view " + id + (to == null ? " does not exist" : " is deleted"));
            }
            threads.put(Thread.currentThread(), to);
            to.users++;
            leave(from);
            return from.id;
        }
    }

    /**
     * UNSHARE, in mmview's check order: {@code EPERM} while other views exist (deleted ones that still
     * have threads included); {@code EINVAL} for an address not aligned to 4096, outside the space, a
     * length past its end, no mapping ending above the address, a length that rounds to 0 at the page
     * size of that mapping, or a range wholly in a hole; {@code EACCES} for a range holding a
     * {@code SHARED} mapping of given frames. The length is rounded up to the page size of the first
     * mapping; holes inside the range are skipped.
     */
    @Override
    public void unshare(long address, long length) {
        setShared(address, length, false);
    }

    /** SHARE: as {@link #unshare} but never {@code EACCES}. */
    @Override
    public void share(long address, long length) {
        setShared(address, length, true);
    }

    private void setShared(long address, long length, boolean shared) {
        String op = shared ? "SHARE" : "UNSHARE";
        synchronized (lock) {
            checkOpen();
            sweepEndedThreads();
            if (views.size() > 1) {
                throw new ViewException(Errno.EPERM, op + " needs a single view, but the process has views "
                        + views.keySet() + (anyDeleted() ? " (deleted views wait for their threads to leave)" : ""));
            }
            ViewableSpace space = base.space;
            String range = hex(address) + "+" + length;
            if ((address & (PageSize.FRAME_BYTES - 1)) != 0) {
                throw new ViewException(Errno.EINVAL, "address " + hex(address) + " is not aligned to 4096");
            }
            if (address < space.base() || address >= space.limit() || length < 0
                    || length > space.limit() - address) {
                throw new ViewException(Errno.EINVAL, "range " + range + " leaves the address space ["
                        + hex(space.base()) + ", " + hex(space.limit()) + ")");
            }
            Mapping first = null;
            for (Mapping m : space.mappings()) {
                if (m.end() > address) {
                    first = m;
                    break;
                }
            }
            if (first == null) {
                throw new ViewException(Errno.EINVAL, "no mapping ends above address " + hex(address));
            }
            long page = first.pageSize().bytes();
            long rounded = (length + page - 1) & -page;
            if (rounded == 0) {
                throw new ViewException(Errno.EINVAL, "length " + length + " is empty");
            }
            if (rounded > space.limit() - address) {
                throw new ViewException(Errno.EINVAL, "range " + hex(address) + "+" + rounded
                        + " (length rounded to the " + first.pageSize() + " pages) leaves the address space");
            }
            if (first.start() >= address + rounded) {
                throw new ViewException(Errno.EINVAL, "range " + hex(address) + "+" + rounded
                        + " lies in a hole: the next mapping starts at " + hex(first.start()));
            }
            try {
                space.setCopyOnWrite(address, rounded, !shared);
            } catch (ViewException e) {
                throw e;
            } catch (AepException e) {
                if (e.errno() == Errno.ESTALE) {
                    throw e;
                }
                throw new ViewException(e.errno(), op + " of " + range + ": " + reason(e));
            }
        }
    }

    /** SWITCH_BASE: the caller's current view becomes the base; returns its id. */
    @Override
    public long switchBase() {
        synchronized (lock) {
            checkOpen();
            sweepEndedThreads();
            View v = join();
            v.deleted = false;
            base = v;
            return v.id;
        }
    }

    // ---------------------------------------------------------------- queries

    @Override
    public long baseId() {
        synchronized (lock) {
            return base.id;
        }
    }

    @Override
    public List<ViewInfo> views() {
        synchronized (lock) {
            checkOpen();
            sweepEndedThreads();
            List<ViewInfo> out = new ArrayList<>(views.size());
            for (View v : views.values()) {
                out.add(new ViewInfo(v.id, v == base, v.deleted, v.users, v.space.id()));
            }
            return List.copyOf(out);
        }
    }

    @Override
    public List<Range> unsharedRanges() {
        synchronized (lock) {
            checkOpen();
            List<Range> out = new ArrayList<>();
            for (Mapping m : base.space.copyOnWriteRanges()) {
                if (!out.isEmpty() && out.getLast().end() == m.start()) {
                    Range last = out.removeLast();
                    out.add(new Range(last.start(), last.length() + m.length()));
                } else {
                    out.add(new Range(m.start(), m.length()));
                }
            }
            return List.copyOf(out);
        }
    }

    @Override
    public ViewableSpace currentSpace() {
        synchronized (lock) {
            checkOpen();
            return join().space;
        }
    }

    @Override
    public ViewableSpace space(long id) {
        synchronized (lock) {
            checkOpen();
            View v = views.get(id);
            if (v == null) {
                throw new ViewException(Errno.EINVAL, "view " + id + " does not exist");
            }
            return v.space;
        }
    }

    /** Whether {@link #close()} ran or the base space is gone (for instance, its backend was swapped). */
    public boolean isClosed() {
        synchronized (lock) {
            return closed || base.space.isClosed();
        }
    }

    /** Closes every view's space (the initial one only if owned); the set answers {@code ESTALE} afterwards. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            for (View v : views.values()) {
                if (v.id != 0 || ownsInitial) {
                    closeQuietly(v.space);
                }
            }
            views.clear();
            threads.clear();
        }
    }

    // ---------------------------------------------------------------- threads

    /** The caller's view, placing a thread seen for the first time in the base. */
    private View join() {
        Thread t = Thread.currentThread();
        View v = threads.get(t);
        if (v == null) {
            v = base;
            v.users++;
            threads.put(t, v);
        }
        return v;
    }

    private void leave(View v) {
        v.users--;
        if (v.deleted && v.users == 0) {
            free(v);
        }
    }

    private void sweepEndedThreads() {
        for (Iterator<Map.Entry<Thread, View>> it = threads.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Thread, View> e = it.next();
            if (!e.getKey().isAlive()) {
                it.remove();
                leave(e.getValue());
            }
        }
    }

    private void free(View v) {
        views.remove(v.id);
        if (v.space.isClosed()) {
            return;
        }
        v.space.close();
    }

    private boolean anyDeleted() {
        for (View v : views.values()) {
            if (v.deleted) {
                return true;
            }
        }
        return false;
    }

    private void checkOpen() {
        if (closed) {
            throw new AepException(Errno.ESTALE, "this view set is closed");
        }
    }

    private static void closeQuietly(ViewableSpace s) {
        if (!s.isClosed()) {
            s.close();
        }
    }

    /** The message of a backend error without its errno prefix. */
    private static String reason(AepException e) {
        String m = e.getMessage();
        String prefix = e.errno().name() + ": ";
        return m != null && m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}

package org.aepdsm.mmview;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.api.memory.ViewableSpace;
import org.aepdsm.api.view.ViewInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several threads create, migrate to, write in and delete views at random (fixed seed, printed on
 * failure) and check after every step, against a model, that shared data agrees across views,
 * unshared data differs only by the writes made in each view, and no view is freed while a thread
 * is in it.
 *
 * <p>Layout: thread {@code t} owns one word in an unshared page ({@code anon + t pages}) and one in a
 * shared page ({@code anon + (THREADS + t) pages}). Stores to its shared word run without the
 * model's lock, concurrently with other threads' steps (each thread's shared word has one writer, so
 * its value is known); everything that changes or reads the view structure, and the unshared
 * stores, run under the model's lock, one step at a time. Every thread joins the process (in the
 * base view) before any starts its steps.
 */
abstract class ViewStress {
    private static final long SEED = 0x5EED_0F_71E35L;
    private static final int THREADS = 4;
    private static final int STEPS = 150;
    private static final int MAX_VIEWS = 6;
    private static final long PAGE = 4096;

    private MemoryBackend backend;
    private ViewableSpace space;
    private SpaceViews views;
    private long anon;

    private final ReentrantLock modelLock = new ReentrantLock();
    /** View id -> the value of each thread's unshared word in it; only views not yet freed. */
    private final Map<Long, long[]> unshared = new HashMap<>();
    private final Map<Long, Boolean> deleted = new HashMap<>();
    private final long[] sharedValue = new long[THREADS];
    private final long[] currentOf = new long[THREADS];
    /** Threads past their last step: about to end, so they no longer keep a deleted view alive in the model. */
    private final boolean[] finished = new boolean[THREADS];
    private long nextId = 1;
    private long baseId;

    protected abstract MemoryBackend createBackend();

    protected abstract void shutdown(MemoryBackend b);

    @BeforeEach
    void start() {
        backend = createBackend();
        space = (ViewableSpace) backend.createAddressSpace(0, 64L << 20);
        anon = space.base();
        space.mapOnDemand(anon, 2 * THREADS * PAGE, PageSize.SIZE_4K, Protection.READ_WRITE);
        views = new SpaceViews(space, true);
        views.unshare(anon, THREADS * PAGE);
        unshared.put(0L, new long[THREADS]);
        deleted.put(0L, false);
    }

    @AfterEach
    void stop() {
        views.close();
        shutdown(backend);
    }

    @Test
    void randomOperationsKeepEveryViewConsistent() throws Exception {
        Map<Integer, Throwable> failures = new ConcurrentHashMap<>();
        List<Thread> workers = new ArrayList<>();
        CyclicBarrier joined = new CyclicBarrier(THREADS);
        for (int t = 0; t < THREADS; t++) {
            int me = t;
            Thread w = new Thread(() -> {
                try {
                    views.current();
                    joined.await(60, TimeUnit.SECONDS);
                    run(me, new SplittableRandom(SEED + me));
                } catch (Throwable e) {
                    failures.put(me, e);
                } finally {
                    finish(me);
                }
            }, "view-stress-" + t);
            workers.add(w);
        }
        workers.forEach(Thread::start);
        for (Thread w : workers) {
            w.join(120_000);
            assertFalse(w.isAlive(), w.getName() + " finished in time (seed " + SEED + ")");
        }
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError("seed " + SEED + ": " + failures.size() + " thread(s) failed");
            failures.values().forEach(e::addSuppressed);
            throw e;
        }
        Set<Long> remaining = new HashSet<>();
        deleted.forEach((id, d) -> {
            if (!d) {
                remaining.add(id);
            }
        });
        assertEquals(remaining, Set.copyOf(views.views().stream().map(ViewInfo::id).toList()),
                "seed " + SEED + ": the views that remain once every thread ended");
    }

    private void run(int me, SplittableRandom random) {
        for (int step = 0; step < STEPS; step++) {
            long value = random.nextLong();
            AddressSpace mine = views.currentSpace();
            mine.putLong(sharedWord(me), value);
            sharedValue[me] = value;
            check(mine.getLong(sharedWord(me)) == value, me, step, "own shared word reads back");
            modelLock.lock();
            try {
                step(me, step, random);
                verify(me, step);
            } finally {
                modelLock.unlock();
            }
        }
    }

    private void finish(int me) {
        modelLock.lock();
        try {
            finished[me] = true;
            forgetIfFreed(currentOf[me]);
        } finally {
            modelLock.unlock();
        }
    }

    private void step(int me, int step, SplittableRandom random) {
        int op = random.nextInt(5);
        long cur = currentOf[me];
        switch (op) {
            case 0 -> {
                if (live() >= MAX_VIEWS) {
                    return;
                }
                long id = views.create();
                check(id == nextId, me, step, "CREATE gave " + id + ", expected " + nextId);
                nextId++;
                unshared.put(id, unshared.get(cur).clone());
                deleted.put(id, false);
            }
            case 1 -> {
                long id = pick(random);
                boolean valid = id == cur || unshared.containsKey(id) && !deleted.get(id);
                try {
                    long prev = views.migrate(id);
                    check(valid, me, step, "MIGRATE " + id + " should have failed");
                    check(prev == cur, me, step, "MIGRATE returned " + prev + ", expected " + cur);
                    currentOf[me] = id;
                    if (id != cur) {
                        forgetIfFreed(cur);
                    }
                } catch (AepException e) {
                    check(!valid && e.errno() == Errno.EINVAL, me, step, "MIGRATE " + id + ": " + e.getMessage());
                }
            }
            case 2 -> {
                long id = pick(random);
                Errno expected = id == baseId ? Errno.EPERM
                        : !unshared.containsKey(id) || deleted.get(id) ? Errno.EINVAL : null;
                try {
                    views.delete(id);
                    check(expected == null, me, step, "DELETE " + id + " should have failed with " + expected);
                    deleted.put(id, true);
                    forgetIfFreed(id);
                } catch (AepException e) {
                    check(e.errno() == expected, me, step, "DELETE " + id + ": " + e.getMessage());
                }
            }
            case 3 -> {
                long value = random.nextLong();
                views.currentSpace().putLong(unsharedWord(me), value);
                unshared.get(cur)[me] = value;
            }
            default -> {
                if (random.nextInt(8) == 0 && !deleted.get(cur)) {
                    check(views.switchBase() == cur, me, step, "SWITCH_BASE returns the current view");
                    baseId = cur;
                }
            }
        }
    }

    private void verify(int me, int step) {
        List<ViewInfo> listed = views.views();
        Map<Long, ViewInfo> byId = new HashMap<>();
        for (ViewInfo v : listed) {
            byId.put(v.id(), v);
        }
        check(byId.keySet().containsAll(unshared.keySet()), me, step, "views " + byId.keySet() + ", model "
                + unshared.keySet());
        for (ViewInfo v : listed) {
            check(unshared.containsKey(v.id()) || v.deleted(), me, step, "view " + v.id()
                    + " is listed although only an ending thread may still be in it, yet it is not deleted");
        }
        for (int t = 0; t < THREADS; t++) {
            if (finished[t]) {
                continue;
            }
            ViewInfo in = byId.get(currentOf[t]);
            check(in != null && in.threads() > 0, me, step, "thread " + t + "'s view " + currentOf[t]
                    + " is still there and counts it");
        }
        for (Map.Entry<Long, long[]> e : unshared.entrySet()) {
            AddressSpace s = views.space(e.getKey());
            check(!s.isClosed(), me, step, "view " + e.getKey() + " is not freed");
            check(s.getLong(sharedWord(me)) == sharedValue[me], me, step, "shared word of thread " + me
                    + " in view " + e.getKey());
            for (int t = 0; t < THREADS; t++) {
                long actual = s.getLong(unsharedWord(t));
                check(actual == e.getValue()[t], me, step, "unshared word of thread " + t + " in view " + e.getKey()
                        + " is " + actual + ", expected " + e.getValue()[t]);
            }
        }
        check(views.current() == currentOf[me], me, step, "CURRENT");
        check(views.baseId() == baseId, me, step, "base");
    }

    private void forgetIfFreed(long id) {
        if (!deleted.get(id)) {
            return;
        }
        for (int t = 0; t < THREADS; t++) {
            if (!finished[t] && currentOf[t] == id) {
                return;
            }
        }
        unshared.remove(id);
        deleted.remove(id);
    }

    private long pick(SplittableRandom random) {
        return random.nextInt(10) == 0 ? nextId + random.nextInt(3) : random.nextLong(nextId);
    }

    private int live() {
        int n = 0;
        for (boolean d : deleted.values()) {
            n += d ? 0 : 1;
        }
        return n;
    }

    private long unsharedWord(int thread) {
        return anon + thread * PAGE;
    }

    private long sharedWord(int thread) {
        return anon + (THREADS + thread) * PAGE;
    }

    private static void check(boolean ok, int thread, int step, String what) {
        if (!ok) {
            fail("seed " + SEED + ", thread " + thread + ", step " + step + ": " + what);
        }
    }
}

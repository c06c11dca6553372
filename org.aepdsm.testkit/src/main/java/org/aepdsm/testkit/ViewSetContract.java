package org.aepdsm.testkit;

import static org.aepdsm.testkit.Errors.assertErrno;
import static org.aepdsm.testkit.Errors.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.FramePool;
import org.aepdsm.api.memory.MapMode;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.api.memory.ViewableSpace;
import org.aepdsm.api.view.Range;
import org.aepdsm.api.view.ViewInfo;
import org.aepdsm.api.view.ViewSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link ViewSet} over a backend's {@link ViewableSpace}: mmview's seven operations
 * with their results and errors, views kept in sync outside unshared ranges, copy-on-write inside
 * them, per-thread current views, and memory freed when the last thread leaves a deleted view.
 *
 * <p>Layout of the space under test (64 MiB):
 * <pre>
 *   base + 0       on-demand, 4 MiB, read-write          ("anon": private memory, can be unshared)
 *   base + 8 MiB   16 given frames, SHARED                ("file": a MAP_SHARED analogue, EACCES)
 *   base + 16 MiB  16 given frames, COPY_ON_WRITE
 *   elsewhere      holes
 * </pre>
 */
public abstract class ViewSetContract extends BackendFixture {
    protected static final long PAGE = 4096;
    private static final long SPACE = 64L << 20;
    private static final long ANON_BYTES = 4L << 20;
    private static final long FILE_OFFSET = 8L << 20;
    private static final long COW_OFFSET = 16L << 20;
    private static final int FILE_PAGES = 16;

    protected FramePool pool;
    protected ViewableSpace space;
    protected ViewSet views;
    protected long anon;
    protected long file;
    protected long cow;
    private long fileFrame;
    private long cowFrame;
    private long freeBefore;

    /** The view set of a space that has no views yet, as the implementation under test makes it. */
    protected abstract ViewSet viewSetOf(ViewableSpace base);

    /** Closes a view set made by {@link #viewSetOf} and every view space it made. */
    protected abstract void closeViewSet(ViewSet set);

    @BeforeEach
    void makeProcess() {
        pool = backend.framePool(0);
        freeBefore = pool.freeFrames();
        AddressSpace s = backend.createAddressSpace(0, SPACE);
        assertTrue(s instanceof ViewableSpace, "the backend's address spaces must be ViewableSpace");
        space = (ViewableSpace) s;
        anon = space.base();
        file = space.base() + FILE_OFFSET;
        cow = space.base() + COW_OFFSET;
        space.mapOnDemand(anon, ANON_BYTES, PageSize.SIZE_4K, Protection.READ_WRITE);
        fileFrame = pool.allocate(4);
        cowFrame = pool.allocate(4);
        space.map(file, FILE_PAGES * PAGE, pool, fileFrame, PageSize.SIZE_4K, Protection.READ_WRITE, MapMode.SHARED);
        space.map(cow, FILE_PAGES * PAGE, pool, cowFrame, PageSize.SIZE_4K, Protection.READ_WRITE,
                MapMode.COPY_ON_WRITE);
        views = viewSetOf(space);
    }

    @AfterEach
    void closeProcess() {
        if (backend.isActive()) {
            closeViewSet(views);
            if (!space.isClosed()) {
                space.close();
            }
            pool.free(fileFrame, 4);
            pool.free(cowFrame, 4);
            assertEquals(freeBefore, pool.freeFrames(), "every frame the views used is back in the pool");
        }
    }

    // ---------------------------------------------------------------- ids, CREATE, CURRENT

    @Test
    void theInitialViewIsTheBaseWithIdZero() {
        assertEquals(0, views.current());
        assertEquals(0, views.baseId());
        List<ViewInfo> list = views.views();
        assertEquals(1, list.size());
        assertEquals(new ViewInfo(0, true, false, 1, space.id()), list.get(0));
    }

    @Test
    void createGivesSequentialIdsThatAreNeverReusedAndDoesNotMoveTheCaller() {
        assertEquals(1, views.create());
        assertEquals(2, views.create());
        assertEquals(0, views.current());
        views.delete(2);
        assertEquals(3, views.create());
        views.delete(1);
        views.delete(3);
        assertEquals(4, views.create());
        assertEquals(List.of(0L, 4L), views.views().stream().map(ViewInfo::id).toList());
    }

    // ---------------------------------------------------------------- MIGRATE

    @Test
    void migrateReturnsThePreviousViewAndCurrentFollows() {
        long one = views.create();
        long two = views.create();
        assertEquals(0, views.migrate(one));
        assertEquals(one, views.current());
        assertEquals(one, views.migrate(two));
        assertEquals(two, views.migrate(0));
        assertEquals(0, views.current());
    }

    @Test
    void migrateToTheCurrentViewReturnsItsOwnId() {
        long one = views.create();
        views.migrate(one);
        assertEquals(one, views.migrate(one));
        assertEquals(one, views.current());
    }

    @Test
    void migrateToAnUnknownIdIsEinvalAndLeavesTheThreadWhereItWas() {
        views.create();
        assertErrno(Errno.EINVAL, "view 7", () -> views.migrate(7));
        assertErrno(Errno.EINVAL, "view -1", () -> views.migrate(-1));
        assertEquals(0, views.current());
    }

    @Test
    void migrateToADeletedViewIsEinval() {
        long one = views.create();
        views.delete(one);
        assertErrno(Errno.EINVAL, "view " + one, () -> views.migrate(one));
    }

    // ---------------------------------------------------------------- DELETE

    @Test
    void deleteOfTheBaseIsEpermAndOfAnUnknownIdEinval() {
        assertErrno(Errno.EPERM, "view 0", () -> views.delete(0));
        assertErrno(Errno.EINVAL, "view 5", () -> views.delete(5));
        assertErrno(Errno.EINVAL, "view -3", () -> views.delete(-3));
        long one = views.create();
        views.delete(one);
        assertErrno(Errno.EINVAL, "view " + one, () -> views.delete(one));
    }

    @Test
    void deletingAnEmptyViewFreesItAtOnce() {
        long one = views.create();
        AddressSpace s = views.space(one);
        views.delete(one);
        assertTrue(s.isClosed());
        assertEquals(1, views.views().size());
        assertErrno(Errno.EINVAL, "view " + one, () -> views.space(one));
    }

    @Test
    void aDeletedViewLivesUntilItsLastThreadLeaves() throws Exception {
        long one = views.create();
        AddressSpace s = views.space(one);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch leave = new CountDownLatch(1);
        AtomicReference<Long> seen = new AtomicReference<>();
        Thread t = new Thread(() -> {
            views.migrate(one);
            views.currentSpace().putLong(anon, 77);
            inside.countDown();
            await(leave);
            seen.set(views.currentSpace().getLong(anon));
            views.migrate(0);
        });
        t.start();
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        views.delete(one);
        assertFalse(s.isClosed(), "a thread is still in the deleted view");
        ViewInfo info = views.views().stream().filter(v -> v.id() == one).findFirst().orElseThrow();
        assertTrue(info.deleted());
        assertEquals(1, info.threads());
        assertErrno(Errno.EINVAL, () -> views.migrate(one));
        leave.countDown();
        t.join(10_000);
        assertFalse(t.isAlive());
        assertEquals(77L, seen.get(), "the thread kept working in its deleted view");
        assertTrue(s.isClosed(), "freed when the last thread left");
        assertEquals(1, views.views().size());
    }

    @Test
    void aThreadThatEndedDoesNotPinADeletedView() throws Exception {
        long one = views.create();
        AddressSpace s = views.space(one);
        onThread(() -> views.migrate(one));
        views.delete(one);
        assertTrue(s.isClosed());
        assertEquals(1, views.views().size());
    }

    @Test
    void aThreadMayDeleteItsOwnCurrentViewAndKeepsRunningInIt() {
        long one = views.create();
        views.migrate(one);
        views.delete(one);
        assertEquals(one, views.current());
        views.currentSpace().putLong(anon, 5);
        assertEquals(5, views.currentSpace().getLong(anon));
        assertEquals(one, views.migrate(0));
        assertErrno(Errno.EINVAL, () -> views.space(one));
    }

    // ---------------------------------------------------------------- SWITCH_BASE

    @Test
    void switchBaseReturnsTheCurrentViewAndLetsTheOldBaseBeDeleted() {
        long one = views.create();
        views.migrate(one);
        assertEquals(one, views.switchBase());
        assertEquals(one, views.baseId());
        assertErrno(Errno.EPERM, "view " + one, () -> views.delete(one));
        views.delete(0);
        assertTrue(space.isClosed(), "the old base had no thread left");
        assertEquals(List.of(one), views.views().stream().map(ViewInfo::id).toList());
        views.currentSpace().putLong(anon, 9);
        assertEquals(9, views.currentSpace().getLong(anon));
    }

    @Test
    void switchBaseInTheBaseIsANoOp() {
        assertEquals(0, views.switchBase());
        assertEquals(0, views.baseId());
    }

    // ---------------------------------------------------------------- UNSHARE / SHARE errors

    @Test
    void unshareAndShareNeedASingleView() {
        long one = views.create();
        assertErrno(Errno.EPERM, () -> views.unshare(anon, PAGE));
        assertErrno(Errno.EPERM, () -> views.share(anon, PAGE));
        views.delete(one);
        views.unshare(anon, PAGE);
        views.share(anon, PAGE);
    }

    @Test
    void aDeletedViewWithAThreadStillCountsForEperm() throws Exception {
        long one = views.create();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch leave = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            views.migrate(one);
            inside.countDown();
            await(leave);
            views.migrate(0);
        });
        t.start();
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        views.delete(one);
        assertErrno(Errno.EPERM, () -> views.unshare(anon, PAGE));
        leave.countDown();
        t.join(10_000);
        views.unshare(anon, PAGE);
    }

    @Test
    void eachBadRangeIsEinval() {
        assertErrno(Errno.EINVAL, hex(anon + 1), () -> views.unshare(anon + 1, PAGE));
        assertErrno(Errno.EINVAL, () -> views.unshare(anon, 0));
        assertErrno(Errno.EINVAL, () -> views.unshare(anon, -PAGE));
        assertErrno(Errno.EINVAL, () -> views.unshare(space.base() - PAGE, PAGE));
        assertErrno(Errno.EINVAL, () -> views.unshare(space.limit(), PAGE));
        assertErrno(Errno.EINVAL, () -> views.unshare(anon, SPACE + PAGE));
        long hole = anon + ANON_BYTES;
        assertErrno(Errno.EINVAL, hex(hole), () -> views.unshare(hole, PAGE));
        long pastAll = cow + FILE_PAGES * PAGE;
        assertErrno(Errno.EINVAL, hex(pastAll), () -> views.unshare(pastAll, PAGE));
        assertErrno(Errno.EINVAL, () -> views.share(anon + 1, PAGE));
        assertTrue(views.unsharedRanges().isEmpty(), "a refused call changes nothing");
    }

    @Test
    void unshareOfASharedMappingOfGivenFramesIsEaccesButShareIsNot() {
        assertErrno(Errno.EACCES, hex(file), () -> views.unshare(file, PAGE));
        assertErrno(Errno.EACCES, () -> views.unshare(anon, FILE_OFFSET + PAGE));
        assertTrue(views.unsharedRanges().isEmpty());
        views.share(file, PAGE);
    }

    @Test
    void theLengthIsRoundedUpAndHolesInsideAreSkipped() {
        views.unshare(anon, 1);
        assertEquals(List.of(new Range(anon, PAGE)), views.unsharedRanges());
        views.share(anon, 1);
        assertTrue(views.unsharedRanges().isEmpty());
        views.unshare(anon + ANON_BYTES - PAGE, FILE_OFFSET - ANON_BYTES + PAGE);
        assertEquals(List.of(new Range(anon + ANON_BYTES - PAGE, PAGE)), views.unsharedRanges(),
                "the hole after the mapping is skipped");
    }

    @Test
    void aRangeStartingInAHoleCoversTheMappingsAfterIt() {
        long hole = file + FILE_PAGES * PAGE;
        views.unshare(hole, cow - hole + 2 * PAGE);
        assertEquals(List.of(new Range(cow, 2 * PAGE)), views.unsharedRanges());
    }

    @Test
    void unmappingEndsAnUnsharedRange() {
        views.unshare(anon, 4 * PAGE);
        space.unmap(anon + PAGE, PAGE);
        assertEquals(List.of(new Range(anon, PAGE), new Range(anon + 2 * PAGE, 2 * PAGE)), views.unsharedRanges());
    }

    // ---------------------------------------------------------------- semantics

    @Test
    void sharedMemoryIsOneCopyInEveryView() {
        space.putLong(anon, 1);
        long one = views.create();
        AddressSpace v0 = views.space(0);
        AddressSpace v1 = views.space(one);
        assertEquals(1, v1.getLong(anon));
        v1.putLong(anon, 2);
        assertEquals(2, v0.getLong(anon));
        v1.putLong(anon + 5 * PAGE, 3);
        assertEquals(3, v0.getLong(anon + 5 * PAGE), "a demand fill in a view is seen by the base");
        assertEquals(v0.translate(anon + 5 * PAGE).orElseThrow().frame(),
                v1.translate(anon + 5 * PAGE).orElseThrow().frame(), "one frame for every view");
        v0.putLong(file, 4);
        assertEquals(4, v1.getLong(file));
        v1.putLong(cow, 5);
        assertEquals(5, v0.getLong(cow), "a copy-on-write mapping that is not unshared copies once for all views");
    }

    @Test
    void unsharedMemoryStartsEqualAndDivergesOnTheFirstWrite() {
        space.putLong(anon, 10);
        space.putLong(anon + PAGE, 11);
        space.putLong(cow, 12);
        views.unshare(anon, 2 * PAGE);
        views.unshare(cow, PAGE);
        long one = views.create();
        AddressSpace v0 = views.space(0);
        AddressSpace v1 = views.space(one);
        assertEquals(10, v1.getLong(anon));
        assertEquals(12, v1.getLong(cow));
        v1.putLong(anon, 20);
        assertEquals(10, v0.getLong(anon));
        assertEquals(20, v1.getLong(anon));
        v0.putLong(anon + PAGE, 21);
        assertEquals(11, v1.getLong(anon + PAGE));
        v1.putLong(cow, 22);
        assertEquals(12, v0.getLong(cow));
        v0.putLong(anon + 8, 30);
        assertEquals(20, v1.getLong(anon), "each view keeps its own copy");
        long two = views.create();
        assertEquals(10, views.space(two).getLong(anon), "a new view starts from the base's contents");
        assertEquals(30, views.space(two).getLong(anon + 8));
        v1.putLong(anon + 2 * PAGE, 40);
        assertEquals(40, views.space(two).getLong(anon + 2 * PAGE), "next to the unshared pages memory is shared");
    }

    @Test
    void untouchedUnsharedPagesFillSeparatelyInEachView() {
        views.unshare(anon, 2 * PAGE);
        long one = views.create();
        views.space(one).putLong(anon, 1);
        assertEquals(0, views.space(0).getLong(anon));
        views.space(0).putLong(anon + PAGE, 2);
        assertEquals(0, views.space(one).getLong(anon + PAGE));
    }

    @Test
    void mappingChangesInAnyViewShowInAll() {
        long one = views.create();
        AddressSpace v0 = views.space(0);
        AddressSpace v1 = views.space(one);
        long extra = space.base() + (32L << 20);
        v1.mapOnDemand(extra, 2 * PAGE, PageSize.SIZE_4K, Protection.READ_WRITE);
        v1.putLong(extra, 6);
        assertEquals(6, v0.getLong(extra));
        assertEquals(v1.mappings(), v0.mappings());
        v0.protect(extra, PAGE, Protection.READ);
        assertErrno(Errno.EACCES, () -> v1.putLong(extra, 7));
        assertEquals(6, v1.getLong(extra));
        v1.unmap(extra, 2 * PAGE);
        assertErrno(Errno.EFAULT, () -> v0.getLong(extra));
        long frame = pool.allocate(0);
        try {
            v0.map(extra, PAGE, pool, frame, PageSize.SIZE_4K, Protection.READ_WRITE, MapMode.SHARED);
            v1.putLong(extra, 8);
            assertEquals(8, v0.getLong(extra));
            v1.unmap(extra, PAGE);
        } finally {
            pool.free(frame, 0);
        }
    }

    @Test
    void unmappingAnUnsharedRangeInOneViewRemovesItInAll() {
        space.putLong(anon, 1);
        views.unshare(anon, PAGE);
        long one = views.create();
        views.space(one).putLong(anon, 2);
        views.space(0).unmap(anon, PAGE);
        assertErrno(Errno.EFAULT, () -> views.space(one).getLong(anon));
        assertTrue(views.unsharedRanges().isEmpty());
    }

    @Test
    void protectingAnUnsharedRangeKeepsEachViewsCopy() {
        space.putLong(anon, 1);
        views.unshare(anon, PAGE);
        long one = views.create();
        views.space(one).putLong(anon, 2);
        views.space(0).protect(anon, PAGE, Protection.READ);
        assertEquals(1, views.space(0).getLong(anon));
        assertEquals(2, views.space(one).getLong(anon));
        assertErrno(Errno.EACCES, () -> views.space(one).putLong(anon, 3));
        views.space(one).protect(anon, PAGE, Protection.READ_WRITE);
        views.space(0).putLong(anon, 4);
        assertEquals(2, views.space(one).getLong(anon));
    }

    @Test
    void twoThreadsInDifferentViewsSeeDifferentUnsharedDataAndTheSameSharedData() throws Exception {
        views.unshare(anon, PAGE);
        long one = views.create();
        long shared = anon + 3 * PAGE;
        views.currentSpace().putLong(anon, 100);
        long[] seen = onThread(() -> {
            views.migrate(one);
            AddressSpace mine = views.currentSpace();
            long before = mine.getLong(anon);
            mine.putLong(anon, 200);
            mine.putLong(shared, 300);
            return new long[] {before, mine.getLong(anon)};
        });
        assertEquals(0, seen[0], "the view was made before the base wrote");
        assertEquals(200, seen[1]);
        assertEquals(100, views.currentSpace().getLong(anon));
        assertEquals(300, views.currentSpace().getLong(shared));
    }

    @Test
    void switchBaseKeepsTheNewBasesDataAndSharing() {
        space.putLong(anon + PAGE, 1);
        views.unshare(anon, PAGE);
        long one = views.create();
        views.migrate(one);
        views.currentSpace().putLong(anon, 2);
        views.switchBase();
        views.delete(0);
        assertEquals(2, views.currentSpace().getLong(anon));
        assertEquals(1, views.currentSpace().getLong(anon + PAGE));
        assertEquals(List.of(new Range(anon, PAGE)), views.unsharedRanges());
        views.share(anon, PAGE);
        assertTrue(views.unsharedRanges().isEmpty());
    }

    @Test
    void viewsOfViewsFollowTheCallersCurrentView() {
        views.unshare(anon, PAGE);
        long one = views.create();
        views.migrate(one);
        views.currentSpace().putLong(anon, 5);
        long two = views.create();
        assertEquals(5, views.space(two).getLong(anon), "CREATE duplicates the caller's current view");
        assertEquals(0, views.space(0).getLong(anon));
        assertNotEquals(views.space(one).id(), views.space(two).id());
    }

    /** Runs {@code body} on a new thread and returns its result (the thread has ended when this returns). */
    protected static <T> T onThread(Callable<T> body) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                result.set(body.call());
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join(30_000);
        assertFalse(t.isAlive(), "the thread finished in time");
        if (failure.get() != null) {
            throw new AssertionError("the thread failed", failure.get());
        }
        return result.get();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("latch not released in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

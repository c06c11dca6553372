package org.aepdsm.mmview;

import static org.aepdsm.testkit.Errors.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.FramePool;
import org.aepdsm.api.memory.MapMode;
import org.aepdsm.api.memory.Mapping;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.api.memory.ViewableSpace;
import org.aepdsm.api.view.ViewException;
import org.aepdsm.api.view.ViewInfo;
import org.aepdsm.backend.os.NativeMachine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CREATE under memory pressure on the native backend. The pressure is the machine's injected fault
 * ({@link NativeMachine#failNextViewAt}): the kernel call chosen, from the reservation of the view's
 * range to the last mmap that mirrors the source into it, is refused with ENOMEM, so every point at
 * which a half-built view must be undone is met without exhausting the JVM's memory.
 *
 * <p>Layout of view 0 (32 MiB), mirrored by every CREATE:
 * <pre>
 *   base + 0       on-demand, 1 MiB, shared, pages 0..15 touched
 *   base + 8 MiB   16 given frames, SHARED
 *   base + 16 MiB  on-demand, 1 MiB, unshared (copy-on-write per view), pages 0..15 touched
 * </pre>
 * The unshared mapping comes last, so the last mirroring calls map its units, after the source has
 * already been marked as sharing them with the view being built.
 */
class NativeViewMemoryTest {
    private static final long PAGE = 4096;
    private static final int TOUCHED = 16;

    private NativeMachine machine;
    private FramePool pool;
    private ViewableSpace space;
    private SpaceViews views;
    private long unshared;
    private long anon;
    private long file;

    @BeforeEach
    void makeProcess() {
        machine = new NativeMachine(new NativeMachine.Settings(64L << 20, Path.of("/dev/shm")));
        pool = machine.framePool(0);
        space = (ViewableSpace) machine.createAddressSpace(0, 32L << 20);
        anon = space.base();
        file = space.base() + (8L << 20);
        unshared = space.base() + (16L << 20);
        space.mapOnDemand(anon, 1L << 20, PageSize.SIZE_4K, Protection.READ_WRITE);
        space.mapOnDemand(unshared, 1L << 20, PageSize.SIZE_4K, Protection.READ_WRITE);
        long frame = pool.allocate(4);
        space.map(file, TOUCHED * PAGE, pool, frame, PageSize.SIZE_4K, Protection.READ_WRITE, MapMode.SHARED);
        views = new SpaceViews(space, true);
        views.unshare(unshared, 1L << 20);
        for (int i = 0; i < TOUCHED; i++) {
            space.putByte(unshared + i * PAGE, (byte) (i + 1));
            space.putByte(anon + i * PAGE, (byte) (i + 41));
            space.putByte(file + i * PAGE, (byte) (i + 81));
        }
    }

    @AfterEach
    void shutDown() {
        views.close();
        machine.shutdown();
    }

    @Test
    void createFailingAtEachKernelCallIsEnomemAndChangesNothing() {
        long view1 = views.create();
        AddressSpace s1 = views.space(view1);
        s1.putByte(unshared, (byte) 99);
        space.putByte(unshared + PAGE, (byte) 77);

        List<ViewInfo> viewsBefore = views.views();
        List<Mapping> mappingsBefore = space.mappings();
        long freeBefore = pool.freeFrames();
        int failures = 0;
        long created = -1;
        for (int call = 0; created < 0; call++) {
            machine.failNextViewAt(call);
            try {
                created = views.create();
            } catch (AepException e) {
                assertInstanceOf(ViewException.class, e, "SpaceViews answers ViewException");
                assertEquals(Errno.ENOMEM, e.errno(), () -> "errno of: " + e.getMessage());
                failures++;
                String at = "after the fault at kernel call " + call;
                assertEquals(viewsBefore, views.views(), "view ids " + at);
                assertEquals(mappingsBefore, space.mappings(), "mappings " + at);
                assertEquals(freeBefore, pool.freeFrames(), "free frames " + at);
                assertEquals(2, space.viewCount(), "members of the view group " + at);
                assertData(space, (byte) 1, (byte) 77);
                assertData(s1, (byte) 99, (byte) 2);
                space.putByte(unshared + PAGE, (byte) 77);
                assertEquals(freeBefore, pool.freeFrames(), "a store to a page only view 0 holds copies nothing " + at);
            }
        }
        assertTrue(failures >= 4, "the reservation and at least one mmap per kind of mapping failed: " + failures);

        AddressSpace s2 = views.space(created);
        assertEquals(3, space.viewCount());
        assertData(s2, (byte) 1, (byte) 77);
        s2.putByte(anon, (byte) 5);
        assertEquals(5, s1.getByte(anon), "the new view shares the shared pages");
    }

    @Test
    void aStoreAfterAFailedCreateNeedsNoCopyAndTheNextCreateSucceeds() {
        long freeBefore = pool.freeFrames();
        machine.failNextViewAt(1);
        assertErrno(Errno.ENOMEM, () -> views.create());
        assertEquals(1, views.views().size());
        assertEquals(1, space.viewCount());
        space.putByte(unshared, (byte) 55);
        assertEquals(55, space.getByte(unshared));
        assertEquals(freeBefore, pool.freeFrames(), "a unit no other view holds is made writable, not copied");

        long id = views.create();
        assertEquals(1, id, "the failed CREATE took no id");
        assertData(views.space(id), (byte) 55, (byte) 2);
    }

    @Test
    void theInjectedFaultRejectsANegativeCall() {
        assertErrno(Errno.EINVAL, "-2", () -> machine.failNextViewAt(-2));
    }

    /** The touched pages of the layout as {@code s} should see them, with its first two unshared bytes given. */
    private void assertData(AddressSpace s, byte unshared0, byte unshared1) {
        assertEquals(unshared0, s.getByte(unshared));
        assertEquals(unshared1, s.getByte(unshared + PAGE));
        for (int i = 0; i < TOUCHED; i++) {
            if (i >= 2) {
                assertEquals((byte) (i + 1), s.getByte(unshared + i * PAGE), "unshared page " + i);
            }
            assertEquals((byte) (i + 41), s.getByte(anon + i * PAGE), "shared anonymous page " + i);
            assertEquals((byte) (i + 81), s.getByte(file + i * PAGE), "SHARED given page " + i);
        }
    }
}

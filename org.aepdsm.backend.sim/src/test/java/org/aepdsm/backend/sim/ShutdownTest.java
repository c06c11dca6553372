package org.aepdsm.backend.sim;

import static org.aepdsm.testkit.Errors.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.FramePool;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.api.memory.ProtectionDomain;
import org.aepdsm.api.memory.SharedPool;
import org.aepdsm.api.memory.SharedPoolSpec;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class ShutdownTest {
    @Test
    void everyHandleIsStaleAfterShutdown() {
        SimMachine m = new SimMachine(MachineConfig.of(1, 16, 2));
        FramePool pool = m.framePool(0);
        AddressSpace s = m.createAddressSpace(0, 2L << 20);
        SharedPool shared = m.openSharedPool(new SharedPoolSpec("p", 4096, false));
        MemorySegment bytes = shared.segment();
        MemorySegment frames = pool.frames(pool.allocate(0), 1);
        ProtectionDomain domain = m.protectionDomain();
        m.shutdown();
        m.shutdown();
        assertFalse(m.isActive());
        assertErrno(Errno.ESTALE, "no longer active", () -> pool.freeFrames());
        assertErrno(Errno.ESTALE, "no longer active", () -> s.mappings());
        assertErrno(Errno.ESTALE, "no longer active", shared::segment);
        assertErrno(Errno.ESTALE, "not active", () -> m.framePool(0));
        assertErrno(Errno.ESTALE, () -> m.openSharedPool(new SharedPoolSpec("p", 4096, true)));
        assertErrno(Errno.ESTALE, () -> domain.isolate(shared, 0, 4096));
        assertThrows(IllegalStateException.class, () -> bytes.get(ValueLayout.JAVA_BYTE, 0));
        assertThrows(IllegalStateException.class, () -> frames.get(ValueLayout.JAVA_BYTE, 0));
        assertTrue(s.isClosed());
        assertFalse(shared.isOpen());
        domain.enter();
        domain.leave();
        s.close();
        shared.close();
    }

    @RepeatedTest(5)
    void accessesRacingWithShutdownFailCleanly() throws Exception {
        SimMachine m = new SimMachine(MachineConfig.of(1, 16, 2));
        AddressSpace s = m.createAddressSpace(0, 2L << 20);
        s.mapOnDemand(s.base(), 1L << 20, PageSize.SIZE_4K, Protection.READ_WRITE);
        SharedPool shared = m.openSharedPool(new SharedPoolSpec("p", 1L << 20, false));
        MemorySegment seg = shared.segment();
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        AtomicLong done = new AtomicLong();
        CountDownLatch running = new CountDownLatch(2);
        List<Thread> threads = new ArrayList<>();
        threads.add(new Thread(() -> {
            running.countDown();
            try {
                for (long i = 0;; i++) {
                    s.putLong(s.base() + (i * 8 % (1L << 20)), i);
                    done.incrementAndGet();
                }
            } catch (AepException e) {
                if (e.errno() != Errno.ESTALE) {
                    unexpected.add(e);
                }
            } catch (IllegalStateException expected) {
                // the memory closed under the access: the documented outcome
            } catch (Throwable t) {
                unexpected.add(t);
            }
        }));
        threads.add(new Thread(() -> {
            running.countDown();
            try {
                for (long i = 0;; i++) {
                    seg.set(ValueLayout.JAVA_LONG, i * 8 % (1L << 20), i);
                    done.incrementAndGet();
                }
            } catch (IllegalStateException expected) {
                // the memory closed under the access: the documented outcome
            } catch (Throwable t) {
                unexpected.add(t);
            }
        }));
        threads.forEach(Thread::start);
        running.await();
        long target = done.get() + 10_000;
        for (int i = 0; i < 10_000_000 && done.get() < target; i++) {
            Thread.onSpinWait();
        }
        m.shutdown();
        for (Thread t : threads) {
            t.join(60_000);
            assertFalse(t.isAlive(), "an accessing thread stopped after the shutdown");
        }
        assertEquals(List.of(), new ArrayList<>(unexpected));
    }
}

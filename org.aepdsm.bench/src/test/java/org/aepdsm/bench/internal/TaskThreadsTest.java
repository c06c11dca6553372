package org.aepdsm.bench.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

import org.junit.jupiter.api.Test;

/**
 * Task threads run every task on a named thread of its own, return only after all have ended, hand back the first
 * failure and tell the others about it, and keep an interrupt of the joining thread.
 */
class TaskThreadsTest {
    @Test
    void everyTaskRunsOnceOnItsOwnNamedThread() {
        AtomicLongArray ran = new AtomicLongArray(5);
        ConcurrentHashMap<Integer, String> names = new ConcurrentHashMap<>();
        assertNull(TaskThreads.run("t", 5, i -> {
            ran.incrementAndGet(i);
            names.put(i, Thread.currentThread().getName());
        }, null));
        for (int i = 0; i < 5; i++) {
            assertEquals(1, ran.get(i), "task " + i);
            assertEquals("t-" + i, names.get(i));
        }
    }

    @Test
    void theFailureIsReturnedAfterTheOtherTasksEndedAndTheyAreTold() {
        IllegalStateException boom = new IllegalStateException("task 2 failed");
        CountDownLatch told = new CountDownLatch(1);
        AtomicInteger finished = new AtomicInteger();
        Throwable f = TaskThreads.run("t", 4, i -> {
            if (i == 2) {
                throw boom;
            }
            try {
                assertTrue(told.await(10, TimeUnit.SECONDS), "the failure was not passed on");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            finished.incrementAndGet();
        }, told::countDown);
        assertSame(boom, f);
        assertEquals(3, finished.get(), "the other tasks ended before run returned");
    }

    @Test
    void anInterruptOfTheJoiningThreadIsKept() {
        CountDownLatch release = new CountDownLatch(1);
        Thread.currentThread().interrupt();
        Thread releaser = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            release.countDown();
        });
        releaser.start();
        TaskThreads.joinAll(new Thread[] {releaser});
        assertTrue(Thread.interrupted(), "the interrupt is still set (and cleared here)");
        assertEquals(0, release.getCount());
    }
}

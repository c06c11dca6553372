package org.aepdsm.allocator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;

import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.api.ownership.GlobalRef;
import org.junit.jupiter.api.Test;

/**
 * Four clients on two nodes allocate, free, send and receive at once. Invariants checked as they go: a
 * handle is live in one place only, an object's bytes carry its owner's stamp, and fsck is clean at the end.
 */
class StressTest extends PoolFixture {
    private static final long SEED = 0x5eed_1234L;

    @Test
    void mallocFreeSendRecvFromFourThreadsKeepsEveryInvariant() throws Exception {
        open(64, 2, 2, 64);
        int threads = 4;
        int ops = 60_000;
        ConcurrentHashMap<Long, Integer> live = new ConcurrentHashMap<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int client = t;
            workers.add(new Thread(() -> {
                SplittableRandom rnd = new SplittableRandom(SEED + client);
                List<Long> mine = new ArrayList<>();
                try {
                    start.await();
                    for (int i = 0; i < ops && failure.get() == null; i++) {
                        int dice = rnd.nextInt(10);
                        if (dice < 4 || mine.isEmpty()) {
                            long size = 8 + rnd.nextInt(rnd.nextInt(10) == 0 ? 20_000 : 200);
                            long h = malloc(client, size);
                            if (h == ENOMEM) {
                                continue;
                            }
                            check(h > 0, "malloc returned " + h);
                            check(live.putIfAbsent(h, client) == null, "handle " + GlobalRef.hex(h) + " is live twice");
                            putWord(off(h), h ^ client);
                            mine.add(h);
                        } else if (dice < 7) {
                            long h = mine.remove(rnd.nextInt(mine.size()));
                            check(word(off(h)) == (h ^ client), "object " + GlobalRef.hex(h) + " lost its stamp");
                            check(live.remove(h, client), "freeing an object not recorded as ours");
                            long rc = free(client, h);
                            check(rc == 0, "free returned " + rc);
                        } else if (dice < 9) {
                            long h = mine.remove(rnd.nextInt(mine.size()));
                            int dst = rnd.nextInt(threads);
                            live.put(h, -1);
                            putWord(off(h), h ^ dst);
                            long rc = send(client, dst, h);
                            if (rc == EAGAIN) {
                                putWord(off(h), h ^ client);
                                live.put(h, client);
                                mine.add(h);
                            } else {
                                check(rc == 1, "send returned " + rc);
                            }
                        } else {
                            long h = recv(client, ShadowEntry.ANY_SENDER);
                            if (h == EAGAIN) {
                                continue;
                            }
                            check(h > 0, "recv returned " + h);
                            check(word(off(h)) == (h ^ client), "received object carries another stamp");
                            check(live.replace(h, -1, client), "received an object not in flight");
                            mine.add(h);
                        }
                    }
                    for (long h : mine) {
                        live.remove(h);
                        check(free(client, h) == 0, "final free");
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        workers.forEach(Thread::start);
        for (Thread t : workers) {
            t.join(120_000);
        }
        if (failure.get() != null) {
            throw new AssertionError("seed " + SEED, failure.get());
        }
        for (int c = 0; c < threads; c++) {
            long h;
            while ((h = recv(c, ShadowEntry.ANY_SENDER)) > 0) {
                assertEquals(-1, live.remove(h));
                assertEquals(0, free(c, h));
            }
        }
        assertEquals(0, live.size(), "objects unaccounted for: " + live.size());
        assertEquals(0, count());
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }
}

package org.aepdsm.allocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Set;
import java.util.SplittableRandom;

import org.aepdsm.api.Errno;
import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.api.ownership.GlobalRef;
import org.aepdsm.api.ownership.Topology;
import org.junit.jupiter.api.Test;

/**
 * A million random calls through the shadow entry: random ops, clients, sizes, and handles that are
 * valid, stale, nudged or random. Nothing may escape, every result is non-negative or a known errno, and the
 * pool must pass fsck at the end.
 */
class FuzzTest extends PoolFixture {
    private static final long SEED = 0xF022_2026L;
    private static final int CALLS = 1_000_000;
    private static final Set<Long> KNOWN = Set.of(-1L, -11L, -12L, -16L, -17L, -22L, -116L);

    @Test
    void randomCallsNeverEscapeAndLeaveAConsistentPool() {
        pool = TestPool.mib(64);
        a = AepAllocator.open(pool.segment(), new Topology(2, 20), 32, false,
                new PrintStream(OutputStream.nullOutputStream()));
        TestDomain domain = new TestDomain();
        PoolShadowEntry entry = new PoolShadowEntry(a, domain, false, PoolShadowEntry.DEFAULT_ADDRESS);
        assertEquals(0, entry.call(ShadowEntry.INIT, 0, 0, 0, 0));
        SplittableRandom rnd = new SplittableRandom(SEED);
        long[] handles = new long[4096];
        int[] owners = new int[4096];
        long[][] links = new long[256][];
        int known = 0;
        long dataStart = a.layout().dataStart();
        long dataEnd = a.layout().dataEnd();
        long[] succeeded = new long[16];
        int i = 0;
        try {
            for (; i < CALLS; i++) {
                int op = pickOp(rnd);
                long client = rnd.nextInt(50) == 0 ? rnd.nextLong() : rnd.nextInt(-2, 43);
                long a1;
                long a2 = 0;
                int pick = known == 0 ? -1 : rnd.nextInt(known);
                boolean asOwner = pick >= 0 && rnd.nextInt(3) > 0;
                switch (op) {
                    case ShadowEntry.MALLOC -> {
                        int k = rnd.nextInt(20);
                        a1 = k == 0 ? rnd.nextLong() : k < 3 ? rnd.nextLong(1, 4L << 20) : rnd.nextLong(-2, 600);
                        a2 = rnd.nextInt(30) == 0 ? rnd.nextLong() : rnd.nextInt(-1, 4);
                    }
                    case ShadowEntry.SEND -> {
                        a1 = rnd.nextInt(-2, 43);
                        a2 = asOwner ? handles[pick] : handle(rnd, handles, known, dataStart, dataEnd);
                    }
                    case ShadowEntry.RECV -> a1 = rnd.nextInt(-3, 43);
                    case ShadowEntry.LINK -> {
                        a1 = (asOwner ? handles[pick] : handle(rnd, handles, known, dataStart, dataEnd))
                                + 8L * rnd.nextInt(-1, 3);
                        a2 = handle(rnd, handles, known, dataStart, dataEnd);
                    }
                    case ShadowEntry.UNLINK -> {
                        long[] l = links[rnd.nextInt(links.length)];
                        if (l != null && rnd.nextInt(4) > 0) {
                            a1 = l[0];
                            a2 = l[1];
                            client = l[2];
                            asOwner = false;
                        } else {
                            a1 = handle(rnd, handles, known, dataStart, dataEnd);
                            a2 = handle(rnd, handles, known, dataStart, dataEnd);
                        }
                    }
                    case ShadowEntry.RECOVER -> a1 = 0;
                    default -> a1 = asOwner ? handles[pick] : handle(rnd, handles, known, dataStart, dataEnd);
                }
                if (asOwner) {
                    client = owners[pick];
                }
                long a0 = op == ShadowEntry.RECOVER ? rnd.nextInt(-2, 43) : client;
                long rc = entry.call(op, a0, a1, a2, rnd.nextLong());
                if (rc >= 0 && op >= 0 && op < succeeded.length) {
                    succeeded[op]++;
                }
                if (rc < 0) {
                    assertTrue(KNOWN.contains(rc), "op " + op + " returned unknown " + rc);
                    Errno.of(rc);
                } else if ((op == ShadowEntry.MALLOC || op == ShadowEntry.RECV) && rc > 0) {
                    int slot = known < handles.length ? known++ : rnd.nextInt(handles.length);
                    handles[slot] = rc;
                    owners[slot] = (int) a0;
                } else if (op == ShadowEntry.LINK) {
                    links[rnd.nextInt(links.length)] = new long[] {a1, a2, a0};
                }
            }
            System.out.println("fuzz successes per op: " + java.util.Arrays.toString(succeeded));
            for (int op : new int[] {ShadowEntry.MALLOC, ShadowEntry.FREE, ShadowEntry.SEND, ShadowEntry.RECV,
                    ShadowEntry.LINK, ShadowEntry.UNLINK}) {
                assertTrue(succeeded[op] > 50, "op " + op + " succeeded only " + succeeded[op] + " times");
            }
            assertFalse(domain.isInside(), "every enter was matched by a leave");
            assertEquals(CALLS + 1, domain.entries.get());
            assertClean();
            long reclaimed = entry.call(ShadowEntry.RECOVER, ShadowEntry.RECOVER_ALL, 0, 0, 0);
            assertTrue(reclaimed >= 0);
            for (int c = 0; c < 40; c++) {
                long h;
                while ((h = entry.call(ShadowEntry.RECV, c, ShadowEntry.ANY_SENDER, 0, 0)) > 0) {
                    long rc = entry.call(ShadowEntry.FREE, c, h, 0, 0);
                    assertTrue(rc == 0 || rc == EBUSY, "free of a drained message returned " + rc);
                }
            }
            assertClean();
        } catch (Throwable t) {
            throw new AssertionError("fuzz seed 0x" + Long.toHexString(SEED) + " failed at call " + i, t);
        }
    }

    private static int pickOp(SplittableRandom rnd) {
        int k = rnd.nextInt(1000);
        if (k < 300) {
            return ShadowEntry.MALLOC;
        }
        if (k < 520) {
            return ShadowEntry.FREE;
        }
        if (k < 640) {
            return ShadowEntry.SEND;
        }
        if (k < 800) {
            return ShadowEntry.RECV;
        }
        if (k < 880) {
            return ShadowEntry.LINK;
        }
        if (k < 960) {
            return ShadowEntry.UNLINK;
        }
        if (k < 975) {
            return ShadowEntry.COUNT;
        }
        if (k < 976) {
            return ShadowEntry.PRINT_BITMAP;
        }
        if (k < 977) {
            return ShadowEntry.RECOVER;
        }
        return rnd.nextInt(-3, 14) == ShadowEntry.INIT ? 0 : rnd.nextInt(11, 20);
    }

    private static long handle(SplittableRandom rnd, long[] handles, int known, long dataStart, long dataEnd) {
        int k = rnd.nextInt(10);
        if (known > 0 && k < 6) {
            return handles[rnd.nextInt(known)];
        }
        if (known > 0 && k < 8) {
            long h = handles[rnd.nextInt(known)];
            return rnd.nextBoolean() ? h + rnd.nextInt(-64, 64) : h ^ ((long) rnd.nextInt(1, 4) << GlobalRef.OFFSET_BITS);
        }
        if (k < 9) {
            return ((long) rnd.nextInt(0x8000) << GlobalRef.OFFSET_BITS) | rnd.nextLong(dataStart, dataEnd);
        }
        return rnd.nextLong();
    }
}

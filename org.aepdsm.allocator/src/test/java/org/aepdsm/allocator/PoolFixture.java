package org.aepdsm.allocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.api.ownership.GlobalRef;
import org.aepdsm.api.ownership.Topology;
import org.junit.jupiter.api.AfterEach;

/** A formatted allocator over a test pool, with call shorthands and an fsck after every test. */
abstract class PoolFixture {
    static final long EPERM = -1, EAGAIN = -11, ENOMEM = -12, EBUSY = -16, EEXIST = -17, EINVAL = -22,
            ESTALE = -116;

    TestPool pool;
    AepAllocator a;
    final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    AepAllocator open(int mib, int nodes, int perNode, int slots) {
        pool = TestPool.mib(mib);
        a = AepAllocator.open(pool.segment(), new Topology(nodes, perNode), slots, false,
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertEquals(0, a.call(ShadowEntry.INIT, 0, 0, 0, 0));
        return a;
    }

    AepAllocator open() {
        return open(64, 2, 20, 512);
    }

    @AfterEach
    void fsckAndClose() {
        if (pool != null) {
            if (pool.isOpen() && a.ready()) {
                assertClean();
            }
            pool.close();
        }
    }

    void assertClean() {
        FsckReport report = new ConsistencyChecker(a).check();
        assertTrue(report.clean(), () -> "fsck: " + report.problems());
    }

    long malloc(int client, long size) {
        return a.call(ShadowEntry.MALLOC, client, size, 0, 0);
    }

    long malloc(int client, long size, int refs) {
        return a.call(ShadowEntry.MALLOC, client, size, refs, 0);
    }

    long mallocOk(int client, long size) {
        return mallocOk(client, size, 0);
    }

    long mallocOk(int client, long size, int refs) {
        long h = malloc(client, size, refs);
        assertTrue(h > 0, () -> "malloc " + size + " for client " + client + " returned " + h);
        return h;
    }

    long free(int client, long handle) {
        return a.call(ShadowEntry.FREE, client, handle, 0, 0);
    }

    long link(int client, long slot, long target) {
        return a.call(ShadowEntry.LINK, client, slot, target, 0);
    }

    long unlink(int client, long slot, long target) {
        return a.call(ShadowEntry.UNLINK, client, slot, target, 0);
    }

    long send(int client, int dst, long handle) {
        return a.call(ShadowEntry.SEND, client, dst, handle, 0);
    }

    long recv(int client, long source) {
        return a.call(ShadowEntry.RECV, client, source, 0, 0);
    }

    long recover(long client) {
        return a.call(ShadowEntry.RECOVER, client, 0, 0, 0);
    }

    long count() {
        return a.call(ShadowEntry.COUNT, 0, 0, 0, 0);
    }

    long off(long handle) {
        return GlobalRef.offsetOf(handle);
    }

    void fill(long handle, long size, long seed) {
        for (long k = 0; k + 8 <= size; k += 8) {
            pool.segment().set(java.lang.foreign.ValueLayout.JAVA_LONG, off(handle) + k, seed * 31 + k);
        }
    }

    void assertFilled(long handle, long size, long seed) {
        for (long k = 0; k + 8 <= size; k += 8) {
            long v = pool.segment().get(java.lang.foreign.ValueLayout.JAVA_LONG, off(handle) + k);
            if (v != seed * 31 + k) {
                throw new AssertionError("object " + GlobalRef.hex(handle) + " word " + k / 8 + " is " + v
                        + ", expected " + (seed * 31 + k));
            }
        }
    }

    long word(long offset) {
        return pool.segment().get(java.lang.foreign.ValueLayout.JAVA_LONG, offset);
    }

    void putWord(long offset, long value) {
        pool.segment().set(java.lang.foreign.ValueLayout.JAVA_LONG, offset, value);
    }
}

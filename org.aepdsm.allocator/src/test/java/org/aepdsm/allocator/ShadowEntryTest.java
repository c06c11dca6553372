package org.aepdsm.allocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.entry.AepClient;
import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.api.ownership.GlobalRef;
import org.aepdsm.api.ownership.Topology;
import org.junit.jupiter.api.Test;

class ShadowEntryTest {
    private static final PoolBinding.Settings SETTINGS = new PoolBinding.Settings("p", 64L << 20,
            new Topology(2, 20), 64, false, false, PoolShadowEntry.DEFAULT_ADDRESS);
    private final PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    @Test
    void callsEnterAndLeaveTheDomainAndMetadataIsIsolated() {
        TestBackend backend = new TestBackend("sim");
        try (PoolBinding b = PoolBinding.open(backend, SETTINGS, out)) {
            assertEquals(1, backend.domain.isolated.size());
            assertEquals(0, backend.domain.isolated.get(0)[0]);
            assertEquals(b.entry().allocator().layout().dataStart(), backend.domain.isolated.get(0)[1]);
            AepClient client = new AepClient(b.entry(), 3);
            long h = client.malloc(64);
            assertFalse(backend.domain.isInside());
            assertTrue(backend.domain.entries.get() >= 1);
            client.bytes(h, 64).set(ValueLayout.JAVA_LONG, 0, 42);
            assertEquals(42, b.entry().memory().get(ValueLayout.JAVA_LONG, GlobalRef.offsetOf(h)));
            assertEquals(PoolShadowEntry.DEFAULT_ADDRESS, b.entry().address());
            assertFalse(b.entry().direct());
            AepException e = assertThrows(AepException.class, () -> client.free(h + 8));
            assertEquals(Errno.EINVAL, e.errno());
            client.free(h);
            assertEquals(0, client.count());
        }
    }

    @Test
    void anEntryForThisThreadLooksItsPassUpOnceAndAnswersAsTheEntry() throws Exception {
        TestBackend backend = new TestBackend("sim");
        try (PoolBinding b = PoolBinding.open(backend, SETTINGS, out)) {
            ShadowEntry mine = b.entry().onThisThread();
            assertEquals(b.entry().address(), mine.address());
            assertEquals(b.entry().memory(), mine.memory());
            long lookups = backend.domain.lookups.get();
            long entries = backend.domain.entries.get();
            long h = mine.call(ShadowEntry.MALLOC, 1, 64, 0, 0);
            assertTrue(h > 0);
            assertEquals(1, mine.call(ShadowEntry.SEND, 1, 2, h, 0));
            assertEquals(h, mine.call(ShadowEntry.RECV, 2, 1, 0, 0));
            assertEquals(-Errno.EPERM.code(), mine.call(ShadowEntry.FREE, 1, h, 0, 0));
            assertEquals(lookups, backend.domain.lookups.get(), "no lookup per call");
            assertEquals(entries + 4, backend.domain.entries.get(), "each call entered the domain");
            assertEquals(GlobalRef.hex(h) + " belongs to client 2, not to client 1",
                    mine.explain(ShadowEntry.FREE, 1, h, 0, -Errno.EPERM.code()));
            assertEquals(0, backend.domain.foreignPasses.get());
            assertFalse(backend.domain.isInside());
            long[] other = new long[2];
            Thread t = new Thread(() -> {
                other[0] = mine.call(ShadowEntry.FREE, 2, h, 0, 0);
                other[1] = backend.domain.isInside() ? 1 : 0;
            });
            t.start();
            t.join();
            assertEquals(0, other[0], "another thread's call through it still works");
            assertEquals(0, other[1], "and leaves that thread outside");
            assertEquals(1, backend.domain.foreignPasses.get(), "the domain was told the pass is not that thread's");
            assertFalse(backend.domain.isInside());
            assertEquals(0, mine.call(ShadowEntry.COUNT, 0, 0, 0, 0));
            b.entry().retire();
            assertEquals(-Errno.ESTALE.code(), mine.call(ShadowEntry.MALLOC, 1, 64, 0, 0), "retired with the entry");
        }
    }

    @Test
    void directModeSkipsTheDomain() {
        TestBackend backend = new TestBackend("sim");
        PoolBinding.Settings direct = new PoolBinding.Settings("p", 64L << 20, new Topology(2, 20), 64, false, true,
                0x1000);
        try (PoolBinding b = PoolBinding.open(backend, direct, out)) {
            assertTrue(b.entry().direct());
            assertTrue(b.entry().call(ShadowEntry.MALLOC, 1, 8, 0, 0) > 0);
            assertTrue(b.entry().onThisThread().call(ShadowEntry.MALLOC, 1, 8, 0, 0) > 0);
            assertEquals(0, backend.domain.entries.get());
            assertEquals(0, backend.domain.lookups.get());
            assertTrue(backend.domain.isolated.isEmpty());
        }
    }

    @Test
    void aRetiredOrClosedPoolAnswersEstaleAndOldHandlesNeverReachFreedMemory() {
        TestBackend first = new TestBackend("sim");
        PoolBinding old = PoolBinding.open(first, SETTINGS, out);
        long h = old.entry().call(ShadowEntry.MALLOC, 1, 64, 0, 0);
        assertTrue(h > 0);
        first.deactivate();
        assertEquals(-Errno.ESTALE.code(), old.entry().call(ShadowEntry.FREE, 1, h, 0, 0),
                "a closed segment is caught at the edge");
        old.close();
        assertEquals(-Errno.ESTALE.code(), old.entry().call(ShadowEntry.MALLOC, 1, 64, 0, 0));
        assertTrue(old.ownership().describe(h).isEmpty());
        TestBackend second = new TestBackend("native");
        try (PoolBinding fresh = PoolBinding.open(second, SETTINGS, out)) {
            long rc = fresh.entry().call(ShadowEntry.FREE, 1, h, 0, 0);
            assertTrue(rc == -Errno.ESTALE.code() || rc == -Errno.EINVAL.code(), "old handle on a new pool: " + rc);
            assertEquals(0, fresh.entry().call(ShadowEntry.COUNT, 0, 0, 0, 0));
        }
    }

    @Test
    void skipInitAttachesToAnInitializedPoolAndSeesItsObjects() {
        TestBackend backend = new TestBackend("native");
        try (PoolBinding creator = PoolBinding.open(backend, SETTINGS, out)) {
            long h = creator.entry().call(ShadowEntry.MALLOC, 2, 100, 0, 0);
            assertTrue(h > 0);
            PoolBinding.Settings attach = new PoolBinding.Settings("p", 0, new Topology(1, 1), 2, true, false, 0x2000);
            try (PoolBinding second = PoolBinding.open(backend, attach, out)) {
                assertEquals(0, second.entry().call(ShadowEntry.INIT, 0, 0, 0, 0), "INIT does not reformat");
                assertEquals(new Topology(2, 20), second.ownership().topology(), "geometry comes from the pool");
                assertEquals(1, second.entry().call(ShadowEntry.COUNT, 0, 0, 0, 0));
                assertEquals(1, second.entry().call(ShadowEntry.SEND, 2, 30, h, 0));
                assertEquals(h, creator.entry().call(ShadowEntry.RECV, 30, 2, 0, 0));
                assertEquals(0, second.entry().call(ShadowEntry.FREE, 30, h, 0, 0));
                assertTrue(new ConsistencyChecker(second.entry().allocator()).check().clean());
            }
        }
    }

    @Test
    void attachingToAnUninitializedPoolRefusesOpsUntilInit() {
        TestPool pool = TestPool.mib(16);
        try {
            AepAllocator a = AepAllocator.open(pool.segment(), new Topology(1, 4), 8, true, out);
            assertFalse(a.ready());
            assertEquals(-Errno.EINVAL.code(), a.call(ShadowEntry.MALLOC, 0, 8, 0, 0));
            assertEquals(0, a.call(ShadowEntry.INIT, 0, 0, 0, 0));
            assertTrue(a.call(ShadowEntry.MALLOC, 0, 8, 0, 0) > 0);
        } finally {
            pool.close();
        }
    }
}

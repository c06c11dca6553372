package org.aepdsm.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.inject.Inject;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.entry.AepClient;
import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.api.memory.Protection;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Filter;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The active backend changes at runtime, by {@code aep:use} and by stopping and
 * starting backend bundles, while a consumer keeps loading and storing through it:
 * the consumer follows the active backend, and what it made on the old one fails
 * with ESTALE, never with anything worse.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BackendSwapIT {
    private static final long TIMEOUT = 30_000;

    @Inject
    BundleContext context;

    @Inject
    CommandProcessor commands;

    private ServiceTracker<MemoryBackend, MemoryBackend> active;

    @Configuration
    public Option[] config() {
        return RuntimeOptions.all();
    }

    @Before
    public void trackActiveBackend() throws Exception {
        Filter f = context.createFilter("(&(objectClass=" + MemoryBackend.class.getName() + ")(aepdsm.active=true))");
        active = new ServiceTracker<>(context, f, null);
        active.open();
    }

    @After
    public void untrack() {
        active.close();
    }

    private String activeId() {
        MemoryBackend b = active.getService();
        return b == null ? null : b.id();
    }

    private void awaitActive(String id) {
        Await.until("backend " + id + " active (now " + activeId() + ")", TIMEOUT,
                () -> id.equals(activeId()) && active.getServiceReferences() != null
                        && active.getServiceReferences().length == 1);
    }

    private String run(String line) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true);
        CommandSession s = commands.createSession(System.in, ps, ps);
        try {
            Object r = s.execute(line);
            return r == null ? out.toString() : r.toString();
        } finally {
            s.close();
        }
    }

    private Bundle bundle(String bsn) {
        return Arrays.stream(context.getBundles()).filter(b -> bsn.equals(b.getSymbolicName())).findFirst()
                .orElseThrow();
    }

    @Test
    public void aConsumerFollowsTheActiveBackendAndOldObjectsGoStale() throws Exception {
        awaitActive("sim");
        MemoryBackend sim = active.getService();
        AddressSpace simSpace = sim.createAddressSpace(0, 4L << 20);
        simSpace.mapOnDemand(simSpace.base(), 1L << 20, PageSize.SIZE_4K, Protection.READ_WRITE);
        simSpace.putLong(simSpace.base(), 41);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong ops = new AtomicLong();
        AtomicLong stale = new AtomicLong();
        List<Throwable> unexpected = new CopyOnWriteArrayList<>();
        Thread load = new Thread(() -> consume(stop, ops, stale, unexpected), "swap-load");
        load.start();
        try {
            Await.until("load running", TIMEOUT, () -> ops.get() > 100);

            assertEquals("active backend: native", run("aep:use native"));
            awaitActive("native");
            AepException e = expectStale(() -> simSpace.getLong(simSpace.base()));
            assertEquals(Errno.ESTALE, e.errno());
            assertTrue(run("aep:status").contains("active backend: native"));

            // Stopping the active backend's bundle hands over to the other; starting it takes it back.
            bundle("org.aepdsm.backend.native").stop();
            awaitActive("sim");
            bundle("org.aepdsm.backend.native").start();
            awaitActive("native");

            assertEquals("active backend: sim", run("aep:use sim"));
            awaitActive("sim");
            bundle("org.aepdsm.backend.sim").stop();
            awaitActive("native");
            bundle("org.aepdsm.backend.sim").start();
            awaitActive("sim");

            long before = ops.get();
            Await.until("load continues on the new backend", TIMEOUT, () -> ops.get() > before + 100);
        } finally {
            stop.set(true);
            load.join(TIMEOUT);
        }
        if (!unexpected.isEmpty()) {
            AssertionError err = new AssertionError("consumer saw failures other than ESTALE: " + unexpected);
            unexpected.forEach(err::addSuppressed);
            throw err;
        }
        assertTrue("the consumer met stale objects across the swaps", stale.get() > 0);
    }

    private ShadowEntry entryOn(String backendId) throws Exception {
        Filter f = context.createFilter("(&(objectClass=" + ShadowEntry.class.getName() + ")(aepdsm.backend="
                + backendId + ")(!(aepdsm.direct=true)))");
        ServiceTracker<ShadowEntry, ShadowEntry> t = new ServiceTracker<>(context, f, null);
        t.open();
        try {
            return Await.value("shadow entry on " + backendId, TIMEOUT, t::getService);
        } finally {
            t.close();
        }
    }

    @Test
    public void theAllocatorRebindsAndHandlesFromTheOldBackendAreStale() throws Exception {
        assertEquals("active backend: sim", run("aep:use sim"));
        awaitActive("sim");
        ShadowEntry onSim = entryOn("sim");
        long handle = onSim.call(ShadowEntry.MALLOC, 1, 64, 0, 0);
        assertTrue("malloc on sim: " + handle, handle > 0);

        assertEquals("active backend: native", run("aep:use native"));
        awaitActive("native");
        assertEquals("a call through the old entry answers ESTALE", -Errno.ESTALE.code(),
                onSim.call(ShadowEntry.FREE, 1, handle, 0, 0));
        ShadowEntry onNative = entryOn("native");
        AepClient client = new AepClient(onNative, 1);
        long h = client.malloc(64);
        client.bytes(h, 64).set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, 99);
        assertEquals(99, client.bytes(h, 64).get(java.lang.foreign.ValueLayout.JAVA_LONG, 0));
        client.free(h);

        assertEquals("active backend: sim", run("aep:use sim"));
        awaitActive("sim");
        assertEquals(-Errno.ESTALE.code(), onNative.call(ShadowEntry.MALLOC, 1, 64, 0, 0));
    }

    private static AepException expectStale(Runnable r) {
        try {
            r.run();
        } catch (AepException e) {
            return e;
        }
        fail("expected ESTALE");
        return null;
    }

    /** Keeps storing and loading through the active backend, re-making its space when the old one went stale. */
    private void consume(AtomicBoolean stop, AtomicLong ops, AtomicLong stale, List<Throwable> unexpected) {
        AddressSpace space = null;
        long n = 0;
        while (!stop.get()) {
            try {
                if (space == null) {
                    MemoryBackend b = active.getService();
                    if (b == null) {
                        Thread.onSpinWait();
                        continue;
                    }
                    space = b.createAddressSpace(0, 4L << 20);
                    space.mapOnDemand(space.base(), 2L << 20, PageSize.SIZE_4K, Protection.READ_WRITE);
                }
                long addr = space.base() + (n * 4096) % (2L << 20);
                space.putLong(addr, n);
                if (space.getLong(addr) != n) {
                    unexpected.add(new AssertionError("read back wrong value at 0x" + Long.toHexString(addr)));
                }
                n++;
                ops.incrementAndGet();
            } catch (AepException e) {
                if (e.errno() == Errno.ESTALE) {
                    stale.incrementAndGet();
                    space = null;
                } else {
                    unexpected.add(e);
                    space = null;
                }
            } catch (Throwable t) {
                unexpected.add(t);
                space = null;
            }
        }
    }
}

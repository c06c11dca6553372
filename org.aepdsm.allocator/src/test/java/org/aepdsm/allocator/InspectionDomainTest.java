package org.aepdsm.allocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.function.Supplier;

import org.aepdsm.api.entry.ShadowEntry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where the metadata is isolated, every method that reads it outside a client call enters the protection domain for
 * its duration and leaves it balanced; a client call does not (the shadow entry enters for it). On a CPU with
 * protection keys a read outside the domain is a fault that kills the JVM.
 */
class InspectionDomainTest extends PoolFixture {
    private final TestDomain domain = new TestDomain();
    private long handle;

    @BeforeEach
    void isolate() {
        open();
        handle = mallocOk(1, 64);
        a.isolatedIn(domain);
    }

    private <T> T entered(String what, Supplier<T> call) {
        long before = domain.entries.get();
        T result = call.get();
        assertTrue(domain.entries.get() > before, what + " entered the domain");
        assertFalse(domain.isInside(), what + " left the domain");
        return result;
    }

    @Test
    void everyInspectionEntersAndLeavesTheDomain() {
        assertTrue(entered("ready", a::ready));
        assertEquals(40, entered("layout", a::layout).clients());
        assertEquals(1L, entered("count", a::count));
        assertEquals(1L, entered("stats", a::stats).liveObjects());
        assertEquals(1L, entered("printBitmap", () -> a.printBitmap(new PrintStream(OutputStream.nullOutputStream()))));
        assertEquals(64, entered("describe", () -> a.describe(handle)).orElseThrow().size());
        assertEquals(1, entered("ownedBy", () -> a.ownedBy(1)).size());
        assertTrue(entered("fsck", () -> new ConsistencyChecker(a).check()).clean());
        assertEquals(0L, entered("sweep", a::sweep));
    }

    @Test
    void aClientCallLeavesTheDomainToTheEntry() {
        long before = domain.entries.get();
        assertEquals(0, a.call(ShadowEntry.FREE, 1, handle, 0, 0));
        assertEquals(before, domain.entries.get(), "call itself does not enter");
    }
}

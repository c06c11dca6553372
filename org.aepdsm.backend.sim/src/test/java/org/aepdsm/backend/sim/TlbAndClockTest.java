package org.aepdsm.backend.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.aepdsm.api.memory.AccessStats;
import org.aepdsm.api.memory.FramePool;
import org.aepdsm.api.memory.MapMode;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.backend.sim.paging.TlbGeometry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Hits, misses, walk references and simulated nanoseconds, counted exactly. */
class TlbAndClockTest {
    private final SimMachine machine = new SimMachine(MachineConfig.of(2, 64, 8));
    private final LatencyModel lat = machine.config().latency();

    @AfterEach
    void shutdown() {
        machine.shutdown();
    }

    @Test
    void repeatedAccessesToOnePageHitAfterOneWalk() {
        FramePool pool = machine.framePool(0);
        SimAddressSpace s = (SimAddressSpace) machine.createAddressSpace(0, 64L << 20);
        long f = pool.allocate(0);
        s.map(s.base(), 4096, pool, f, PageSize.SIZE_4K, Protection.READ_WRITE, MapMode.SHARED);
        for (int i = 0; i < 10; i++) {
            s.getLong(s.base() + 8 * i);
        }
        AccessStats st = s.stats();
        assertEquals(10, st.accesses());
        assertEquals(1, st.tlbMisses());
        assertEquals(9, st.tlbHits());
        assertEquals(4, st.walkReferences(), "one 4-level walk");
        assertEquals(4 * lat.walkReferenceNs() + 10 * lat.localDramNs(), st.simulatedNanos());
    }

    @Test
    void unmapShootsDownTheTlbSoARemapIsSeenAtOnce() {
        FramePool pool = machine.framePool(0);
        SimAddressSpace s = (SimAddressSpace) machine.createAddressSpace(0, 64L << 20);
        long f = pool.allocate(0);
        long g = pool.allocate(0);
        pool.frames(f, 1).set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, 111);
        pool.frames(g, 1).set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, 222);
        s.map(s.base(), 4096, pool, f, PageSize.SIZE_4K, Protection.READ_WRITE, MapMode.SHARED);
        assertEquals(111, s.getLong(s.base()));
        assertEquals(111, s.getLong(s.base()));
        s.unmap(s.base(), 4096);
        assertEquals(0, s.tlbEntries(), "the unmapped page's entries were shot down");
        s.map(s.base(), 4096, pool, g, PageSize.SIZE_4K, Protection.READ_WRITE, MapMode.SHARED);
        s.resetStats();
        assertEquals(222, s.getLong(s.base()), "no stale translation to the old frame");
        assertEquals(1, s.stats().tlbMisses());
        assertEquals(0, s.stats().tlbHits());
    }

    @Test
    void protectShootsDownTheTlbSoAStoreIsRefusedAtOnce() {
        FramePool pool = machine.framePool(0);
        SimAddressSpace s = (SimAddressSpace) machine.createAddressSpace(0, 64L << 20);
        long f = pool.allocate(0);
        s.map(s.base(), 4096, pool, f, PageSize.SIZE_4K, Protection.READ_WRITE, MapMode.SHARED);
        s.putLong(s.base(), 1);
        s.protect(s.base(), 4096, Protection.READ);
        org.aepdsm.testkit.Errors.assertErrno(org.aepdsm.api.Errno.EACCES, () -> s.putLong(s.base(), 2));
        assertEquals(1, s.getLong(s.base()));
    }

    @Test
    void aTwoMegabytePageNeedsOneEntryForAllItsFourKilobyteFrames() {
        FramePool pool = machine.framePool(0);
        SimAddressSpace s = (SimAddressSpace) machine.createAddressSpace(0, 64L << 20);
        long f = pool.allocate(9);
        s.map(s.base(), 2L << 20, pool, f, PageSize.SIZE_2M, Protection.READ_WRITE, MapMode.SHARED);
        for (long off = 0; off < (2L << 20); off += 4096) {
            s.getByte(s.base() + off);
        }
        assertEquals(1, s.stats().tlbMisses());
        assertEquals(511, s.stats().tlbHits());
        assertEquals(3, s.stats().walkReferences(), "the walk stops at the PDE");
    }

    @Test
    void moreFourKilobytePagesThanTheTlbHoldsMissAgain() {
        SimMachine small = new SimMachine(MachineConfig.of(1, 16, 2).withTlb(new TlbGeometry(4, 4, 4, 4, 8, 4)));
        try {
            SimAddressSpace s = (SimAddressSpace) small.createAddressSpace(0, 2L << 20);
            s.mapOnDemand(s.base(), 16 * 4096, PageSize.SIZE_4K, Protection.READ_WRITE);
            for (int round = 0; round < 2; round++) {
                for (int p = 0; p < 16; p++) {
                    s.putByte(s.base() + p * 4096L, (byte) p);
                }
            }
            s.resetStats();
            for (int p = 0; p < 16; p++) {
                s.getByte(s.base() + p * 4096L);
            }
            assertEquals(16, s.stats().tlbMisses(), "16 pages cycle through an 8-entry TLB with LRU: all miss");
        } finally {
            small.shutdown();
        }
    }

    @Test
    void remoteAndCxlMemoryCostTheirOwnLatency() {
        FramePool remote = machine.framePool(1);
        FramePool cxl = machine.cxlPool();
        SimAddressSpace s = (SimAddressSpace) machine.createAddressSpace(0, 64L << 20);
        long r = remote.allocate(0);
        long c = cxl.allocate(0);
        s.map(s.base(), 4096, remote, r, PageSize.SIZE_4K, Protection.READ_WRITE, MapMode.SHARED);
        s.map(s.base() + 4096, 4096, cxl, c, PageSize.SIZE_4K, Protection.READ_WRITE, MapMode.SHARED);
        s.getByte(s.base());
        s.getByte(s.base() + 4096);
        s.resetStats();
        s.getByte(s.base());
        s.getByte(s.base() + 4096);
        assertEquals(lat.remoteDramNs() + lat.cxlNs(), s.stats().simulatedNanos());
    }
}

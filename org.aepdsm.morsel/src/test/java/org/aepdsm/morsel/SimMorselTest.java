package org.aepdsm.morsel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.Mapping;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.api.morsel.MappingCost;
import org.aepdsm.api.morsel.Morsel;
import org.aepdsm.backend.sim.MachineConfig;
import org.aepdsm.backend.sim.SimMachine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SimMorselTest {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    private SimMachine machine;
    private MorselRegistry morsels;
    private AddressSpace a;
    private AddressSpace b;

    @BeforeEach
    void start() {
        machine = new SimMachine(MachineConfig.of(2, 256, 16));
        morsels = new MorselRegistry(machine);
        a = machine.createAddressSpace(0, 16 * GIB);
        b = machine.createAddressSpace(0, 16 * GIB);
    }

    @AfterEach
    void stop() {
        machine.shutdown();
    }

    @Test
    void mappingWritesOneEntryPerSubtreeAndTheDataIsShared() {
        Morsel m = morsels.create(0, 64 * MIB);
        MappingCost ca = m.map(a, a.base(), Protection.READ_WRITE);
        assertEquals(32 + 2, ca.entriesWritten(), "32 PDEs plus the PML4E and PDPTE that hook in the new tables");
        assertEquals(3, ca.pageTablePages(), "PML4, PDPT and PD of the destination");
        MappingCost cb = m.map(b, b.base() + 2 * GIB, Protection.READ_WRITE);
        assertEquals(34, cb.entriesWritten());
        a.putLong(a.base() + 5 * MIB + 8, 0x1122334455667788L);
        assertEquals(0x1122334455667788L, b.getLong(b.base() + 2 * GIB + 5 * MIB + 8));
        assertEquals(List.of(a.id(), b.id()), m.mappedIn());
        assertEquals(PageSize.SIZE_4K, a.translate(a.base()).orElseThrow().pageSize());
    }

    @Test
    void gigabyteMorselsLinkOnePdptePerGigabyteAndOnePdePerTailChunk() {
        Morsel m = morsels.create(0, GIB + 4 * MIB);
        MappingCost c = m.map(a, a.base(), Protection.READ_WRITE);
        assertEquals(1 + 2 + 2, c.entriesWritten(), "1 PDPTE and 2 PDEs linked, plus the PML4E and the PDPTE of "
                + "the destination's PD for the tail");
        a.putByte(a.base() + GIB + 3 * MIB, (byte) 7);
        a.putByte(a.base() + 700 * MIB, (byte) 9);
        assertEquals(7, a.getByte(a.base() + GIB + 3 * MIB));
        assertEquals(9, a.getByte(a.base() + 700 * MIB));
    }

    @Test
    void unmapFreesOnlyTheSpacesOwnTablesAndShootsDownTheTlb() {
        Morsel m = morsels.create(0, 8 * MIB);
        long tablesBefore = a.stats().pageTablePages();
        m.map(a, a.base(), Protection.READ_WRITE);
        a.putLong(a.base(), 42);
        MappingCost c = m.unmap(a);
        assertEquals(4 + 2, c.entriesWritten(), "4 PDEs and the entries of the PD and PDPT that emptied");
        assertEquals(tablesBefore, a.stats().pageTablePages());
        assertThrows(AepException.class, () -> a.getLong(a.base()), "no stale TLB entry may serve the load");
        m.map(b, b.base(), Protection.READ_WRITE);
        assertEquals(42, b.getLong(b.base()), "the morsel's own tables and frames survived the unmap");
    }

    @Test
    void transferMovesTheMorselAndKeepsItsData() {
        Morsel m = morsels.create(0, 16 * MIB);
        m.map(a, a.base(), Protection.READ_WRITE);
        a.putLong(a.base() + 8 * MIB, 77);
        MappingCost c = m.transfer(a, b, b.base() + 4 * GIB);
        assertEquals(List.of(b.id()), m.mappedIn());
        assertEquals(77, b.getLong(b.base() + 4 * GIB + 8 * MIB));
        assertTrue(a.translate(a.base() + 8 * MIB).isEmpty());
        assertEquals((8 + 2) + (8 + 2), c.entriesWritten(), "link there, unlink here");
    }

    @Test
    void aReadOnlyMappingRestrictsOnlyThatSpace() {
        Morsel m = morsels.create(0, 2 * MIB);
        m.map(a, a.base(), Protection.READ);
        m.map(b, b.base(), Protection.READ_WRITE);
        b.putLong(b.base(), 5);
        assertEquals(5, a.getLong(a.base()));
        AepException e = assertThrows(AepException.class, () -> a.putLong(a.base(), 6));
        assertEquals(Errno.EACCES, e.errno());
        b.putLong(b.base() + 8, 6);
        assertEquals(6, b.getLong(b.base() + 8), "a store in the writable space works after the refused one");
        assertEquals(Protection.READ, a.translate(a.base()).orElseThrow().protection());
    }

    @Test
    void leaderProtectAppliesInEverySpace() {
        ObjectMorsel m = (ObjectMorsel) morsels.create(0, 4 * MIB);
        m.map(a, a.base(), Protection.READ_WRITE);
        a.putLong(a.base() + MIB, 1);
        m.protect(MIB, MIB, Protection.READ, 3);
        assertEquals(Errno.EACCES, assertThrows(AepException.class, () -> a.putLong(a.base() + MIB, 2)).errno());
        assertEquals(3L, (m.leaderEntry(MIB) >>> 59) & 0xF);
        a.putLong(a.base(), 2);
    }

    @Test
    void resizeGrowsAndShrinksWhileUnmappedOnly() {
        Morsel m = morsels.create(0, 4 * MIB);
        m.map(a, a.base(), Protection.READ_WRITE);
        assertEquals(Errno.EBUSY, assertThrows(AepException.class, () -> m.resize(8 * MIB)).errno());
        a.putLong(a.base() + 8, 99);
        m.unmap(a);
        m.resize(200 * MIB);
        assertEquals(200 * MIB, m.size());
        m.map(a, a.base(), Protection.READ_WRITE);
        assertEquals(99, a.getLong(a.base() + 8), "pages kept keep their contents");
        a.putLong(a.base() + 199 * MIB, 3);
        assertEquals(3, a.getLong(a.base() + 199 * MIB));
        m.unmap(a);
        m.resize(2 * MIB);
        assertEquals(2 * MIB, m.size());
        long free = machine.framePool(0).freeFrames();
        m.destroy();
        assertEquals(free + 512, machine.framePool(0).freeFrames());
    }

    @Test
    void growingToAWholeGigabyteMakesAGigabyteSubtree() {
        ObjectMorsel m = (ObjectMorsel) morsels.create(0, 1020 * MIB);
        assertEquals(0, m.subtrees().gigabyteSubtrees());
        m.resize(1026 * MIB);
        assertEquals(1, m.subtrees().gigabyteSubtrees());
        assertEquals(1, m.subtrees().megabyteSubtrees());
        assertEquals(Errno.EINVAL, assertThrows(AepException.class,
                () -> m.map(a, a.base() + 2 * MIB, Protection.READ_WRITE)).errno(), "1 GiB alignment now");
        m.map(a, a.base(), Protection.READ_WRITE);
        a.putLong(a.base() + 1025 * MIB, 3);
        a.putLong(a.base() + 1019 * MIB, 4);
        assertEquals(3, a.getLong(a.base() + 1025 * MIB));
        assertEquals(4, a.getLong(a.base() + 1019 * MIB));
    }

    @Test
    void objectsLargerThanTheNodeUseSparseFrames() {
        ObjectMorsel m = (ObjectMorsel) morsels.create(0, 8 * GIB);
        assertTrue(m.subtrees().sparseFrames());
        MappingCost c = m.map(a, a.base(), Protection.READ_WRITE);
        assertEquals(8 + 1, c.entriesWritten(), "8 PDPTEs plus the PML4E of the destination's new PDPT");
        a.putLong(a.base() + 7 * GIB + 12345 * 8, 31);
        assertEquals(31, a.getLong(a.base() + 7 * GIB + 12345 * 8));
        m.unmap(a);
        m.destroy();
    }

    // ---------------------------------------------------------------- bad input

    @Test
    void unalignedAddressIsRefusedAndNothingIsMapped() {
        Morsel m = morsels.create(0, 4 * MIB);
        AepException e = assertThrows(AepException.class, () -> m.map(a, a.base() + 4096, Protection.READ_WRITE));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("0x" + Long.toHexString(a.base() + 4096)), e.getMessage());
        Morsel big = morsels.create(0, GIB);
        AepException g = assertThrows(AepException.class, () -> big.map(a, a.base() + 2 * MIB, Protection.READ));
        assertEquals(Errno.EINVAL, g.errno());
        assertUntouched(a);
        assertTrue(m.mappedIn().isEmpty());
    }

    @Test
    void overlapWithAMappingIsRefusedAndNothingIsHalfMapped() {
        a.mapOnDemand(a.base() + 6 * MIB, 4096, PageSize.SIZE_4K, Protection.READ_WRITE);
        List<Mapping> before = a.mappings();
        Morsel m = morsels.create(0, 8 * MIB);
        AepException e = assertThrows(AepException.class, () -> m.map(a, a.base(), Protection.READ_WRITE));
        assertEquals(Errno.EEXIST, e.errno());
        assertEquals(before, a.mappings());
        assertEquals(0, a.stats().pageTablePages());
        Morsel other = morsels.create(0, 2 * MIB);
        other.map(b, b.base(), Protection.READ_WRITE);
        assertEquals(Errno.EEXIST, assertThrows(AepException.class, () -> m.map(b, b.base(), Protection.READ))
                .errno());
        assertEquals(Errno.EBUSY, assertThrows(AepException.class, () -> b.unmap(b.base(), 4096)).errno(),
                "the space's own unmap may not cut a morsel's subtree");
        assertEquals(1, b.mappings().size());
    }

    @Test
    void unknownIdIsNoSuchObject() {
        AepException e = assertThrows(AepException.class, () -> morsels.require(99));
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().contains("99"), e.getMessage());
        assertTrue(morsels.find(99).isEmpty());
    }

    @Test
    void mappingIntoAClosedSpaceIsStale() {
        Morsel m = morsels.create(0, 2 * MIB);
        a.close();
        AepException e = assertThrows(AepException.class, () -> m.map(a, a.base(), Protection.READ_WRITE));
        assertEquals(Errno.ESTALE, e.errno());
        assertTrue(m.mappedIn().isEmpty());
    }

    @Test
    void closingASpaceDropsTheLinkButNotTheMorsel() {
        Morsel m = morsels.create(0, 2 * MIB);
        m.map(a, a.base(), Protection.READ_WRITE);
        a.putLong(a.base(), 4);
        a.close();
        assertTrue(m.mappedIn().isEmpty());
        m.map(b, b.base(), Protection.READ_WRITE);
        assertEquals(4, b.getLong(b.base()));
    }

    @Test
    void transferRulesRefuseWithoutChangingAnything() {
        Morsel m = morsels.create(0, 4 * MIB);
        assertEquals(Errno.EINVAL, assertThrows(AepException.class, () -> m.transfer(a, b, b.base())).errno(),
                "not mapped in the source");
        m.map(a, a.base(), Protection.READ_WRITE);
        m.map(b, b.base(), Protection.READ_WRITE);
        AepException busy = assertThrows(AepException.class, () -> m.transfer(a, b, b.base() + GIB));
        assertEquals(Errno.EBUSY, busy.errno(), "already mapped in the destination");
        assertEquals(List.of(a.id(), b.id()), m.mappedIn());
        m.unmap(b);
        b.mapOnDemand(b.base(), 4096, PageSize.SIZE_4K, Protection.READ);
        assertEquals(Errno.EEXIST, assertThrows(AepException.class, () -> m.transfer(a, b, b.base())).errno());
        assertEquals(List.of(a.id()), m.mappedIn(), "a refused transfer leaves the morsel where it was");
        a.putLong(a.base(), 1);
        assertEquals(Errno.EBUSY, assertThrows(AepException.class, m::destroy).errno(), "destroy while mapped");
    }

    @Test
    void destroyedMorselsAreStale() {
        Morsel m = morsels.create(0, 2 * MIB);
        m.destroy();
        assertEquals(Errno.ESTALE, assertThrows(AepException.class, () -> m.map(a, a.base(), Protection.READ))
                .errno());
        assertTrue(morsels.list().isEmpty());
    }

    @Test
    void badSizesAreRefused() {
        assertEquals(Errno.EINVAL, assertThrows(AepException.class, () -> morsels.create(0, 3 * MIB)).errno());
        assertEquals(Errno.EINVAL, assertThrows(AepException.class, () -> morsels.create(5, 2 * MIB)).errno());
    }

    @Test
    void morselsOfAShutDownBackendAreStale() {
        Morsel m = morsels.create(0, 2 * MIB);
        machine.shutdown();
        assertEquals(Errno.ESTALE, assertThrows(AepException.class, m::size).errno());
        assertTrue(morsels.list().isEmpty());
    }

    private static void assertUntouched(AddressSpace s) {
        assertTrue(s.mappings().isEmpty());
        assertEquals(0, s.stats().pageTablePages());
        assertFalse(s.translate(s.base()).isPresent());
        assertArrayEquals(new long[0], s.mappings().stream().mapToLong(Mapping::start).toArray());
    }
}

package org.aepdsm.morsel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.api.morsel.SecondaryView;
import org.aepdsm.api.morsel.TranslationFormat;
import org.aepdsm.backend.sim.MachineConfig;
import org.aepdsm.backend.sim.SimMachine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EptViewTest {
    private static final long MIB = 1L << 20;

    private SimMachine machine;
    private MorselRegistry morsels;

    @BeforeEach
    void start() {
        machine = new SimMachine(MachineConfig.of(1, 128, 2));
        morsels = new MorselRegistry(machine);
    }

    @AfterEach
    void stop() {
        machine.shutdown();
    }

    @Test
    void entriesAreBuiltOnFirstLookupOnly() {
        ObjectMorsel m = (ObjectMorsel) morsels.create(0, 8 * MIB);
        SecondaryView v = m.secondaryView(TranslationFormat.EPT);
        assertEquals(TranslationFormat.EPT, v.format());
        assertEquals(0, v.entriesBuilt(), "nothing before the first fault");
        long e = v.entry(3 * MIB + 100).orElseThrow();
        assertEquals(1, v.entriesBuilt());
        assertEquals(e, v.entry(3 * MIB).orElseThrow(), "a hit builds nothing");
        assertEquals(1, v.entriesBuilt());
        assertEquals(m.leaderEntry(3 * MIB) & 0x000F_FFFF_FFFF_F000L, e & 0x000F_FFFF_FFFF_F000L,
                "the EPT entry maps the leader's frame");
        assertEquals(EptFormat.EPT_READ | EptFormat.EPT_WRITE, e & 7, "read-write data: R, W, no X");
        assertEquals(1, ((EptView) v).tablePages(), "one EPT table for the one chunk touched");
        assertEquals(m.secondaryView(TranslationFormat.EPT), v, "one view per format");
    }

    @Test
    void leaderChangesInvalidateOnlyTheEntriesTheyAffect() {
        ObjectMorsel m = (ObjectMorsel) morsels.create(0, 4 * MIB);
        EptView v = (EptView) m.secondaryView(TranslationFormat.EPT);
        for (long o = 0; o < 4 * MIB; o += MIB) {
            v.entry(o);
        }
        assertEquals(4, v.entriesPresent());
        m.protect(MIB, 2 * MIB, Protection.READ, 5);
        assertEquals(2, v.invalidations());
        assertEquals(2, v.entriesPresent());
        long rebuilt = v.entry(MIB).orElseThrow();
        assertEquals(EptFormat.EPT_READ, rebuilt & 7, "rebuilt from the new leader: read-only");
        assertEquals(5, (v.leaderEntry(MIB).orElseThrow() >>> 59) & 0xF, "the key came back from the side table");
        assertEquals(m.leaderEntry(MIB), v.leaderEntry(MIB).orElseThrow(), "exact round trip of the leader entry");
        assertEquals(m.leaderEntry(0), v.leaderEntry(0).orElseThrow());
    }

    @Test
    void leaderAccessedAndDirtyBitsReachTheViewAfterAnInvalidation() {
        ObjectMorsel m = (ObjectMorsel) morsels.create(0, 2 * MIB);
        AddressSpace s = machine.createAddressSpace(0, 1L << 30);
        m.map(s, s.base(), Protection.READ_WRITE);
        EptView v = (EptView) m.secondaryView(TranslationFormat.EPT);
        assertEquals(0, v.entry(0).orElseThrow() & EptFormat.EPT_DIRTY);
        s.putLong(s.base(), 1);
        m.protect(0, 4096, Protection.READ_WRITE, 0);
        long e = v.entry(0).orElseThrow();
        assertNotEquals(0, e & EptFormat.EPT_ACCESSED);
        assertNotEquals(0, e & EptFormat.EPT_DIRTY);
        assertEquals(m.leaderEntry(0), v.leaderEntry(0).orElseThrow());
    }

    @Test
    void shrinkingInvalidatesTheTailAndDestroyCloses() {
        ObjectMorsel m = (ObjectMorsel) morsels.create(0, 8 * MIB);
        EptView v = (EptView) m.secondaryView(TranslationFormat.EPT);
        v.entry(0);
        v.entry(7 * MIB);
        m.resize(4 * MIB);
        assertEquals(1, v.invalidations());
        AepException outside = assertThrows(AepException.class, () -> v.entry(7 * MIB));
        assertEquals(Errno.EINVAL, outside.errno());
        m.destroy();
        assertEquals(Errno.ESTALE, assertThrows(AepException.class, () -> v.entry(0)).errno());
    }

    @Test
    void theLeaderFormatIsNoSecondaryView() {
        ObjectMorsel m = (ObjectMorsel) morsels.create(0, 2 * MIB);
        assertEquals(Errno.EINVAL, assertThrows(AepException.class,
                () -> m.secondaryView(TranslationFormat.AMD64)).errno());
        assertTrue(m.eptView() == null);
    }
}

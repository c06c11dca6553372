package org.aepdsm.morsel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.api.morsel.MappingCost;
import org.aepdsm.api.morsel.TranslationFormat;
import org.aepdsm.backend.os.NativeMachine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NativeMorselTest {
    private static final long MIB = 1L << 20;

    private NativeMachine machine;
    private MorselRegistry morsels;
    private AddressSpace a;
    private AddressSpace b;

    @BeforeEach
    void start() {
        machine = new NativeMachine(NativeMachine.Settings.defaults());
        morsels = new MorselRegistry(machine);
        a = machine.createAddressSpace(0, 1L << 30);
        b = machine.createAddressSpace(0, 1L << 30);
    }

    @AfterEach
    void stop() {
        machine.shutdown();
    }

    @Test
    void aMorselIsOneMmapOfThePoolRangeAndTransfersWithItsData() {
        ObjectMorsel m = (ObjectMorsel) morsels.create(0, 32 * MIB);
        assertEquals(1, m.subtrees().frameRuns().size(), "a fresh pool gives one run");
        m.map(a, a.base(), Protection.READ_WRITE);
        a.putLong(a.base() + 17 * MIB, 0x5eed);
        m.map(b, b.base() + 64 * MIB, Protection.READ_WRITE);
        assertEquals(0x5eed, b.getLong(b.base() + 81 * MIB), "both spaces map the same pool range");
        m.unmap(b);
        MappingCost c = m.transfer(a, b, b.base());
        assertEquals(0, c.entriesWritten(), "a plain mmap leaves the kernel's entries to the first touch");
        assertEquals(List.of(b.id()), m.mappedIn());
        assertEquals(0x5eed, b.getLong(b.base() + 17 * MIB));
        assertEquals(Errno.EFAULT, assertThrows(AepException.class, () -> a.getLong(a.base())).errno());
    }

    @Test
    void badInputIsRefusedOnNativeToo() {
        ObjectMorsel m = (ObjectMorsel) morsels.create(0, 4 * MIB);
        assertEquals(Errno.EINVAL, assertThrows(AepException.class,
                () -> m.map(a, a.base() + 4096, Protection.READ_WRITE)).errno());
        m.map(a, a.base(), Protection.READ_WRITE);
        assertEquals(Errno.EBUSY, assertThrows(AepException.class,
                () -> m.map(a, a.base() + 8 * MIB, Protection.READ_WRITE)).errno());
        ObjectMorsel n = (ObjectMorsel) morsels.create(0, 2 * MIB);
        assertEquals(Errno.EEXIST, assertThrows(AepException.class,
                () -> n.map(a, a.base() + 2 * MIB, Protection.READ_WRITE)).errno());
        assertTrue(n.mappedIn().isEmpty());
        assertEquals(1, a.mappings().size());
        b.close();
        assertEquals(Errno.ESTALE, assertThrows(AepException.class,
                () -> n.map(b, b.base(), Protection.READ_WRITE)).errno());
    }

    @Test
    void theLeaderModelFeedsTheEptView() {
        ObjectMorsel m = (ObjectMorsel) morsels.create(0, 2 * MIB);
        EptView v = (EptView) m.secondaryView(TranslationFormat.EPT);
        m.protect(0, 4096, Protection.READ, 7);
        v.entry(0);
        assertEquals(m.leaderEntry(0), v.leaderEntry(0).orElseThrow());
        assertEquals(7, (m.leaderEntry(0) >>> 59) & 0xF);
        assertEquals(EptFormat.EPT_READ, v.entry(0).orElseThrow() & 7);
    }
}

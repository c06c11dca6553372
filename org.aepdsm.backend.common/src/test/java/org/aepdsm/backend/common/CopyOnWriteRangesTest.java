package org.aepdsm.backend.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Proxy;
import java.util.List;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.MapMode;
import org.aepdsm.api.memory.Mapping;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.api.memory.Protection;
import org.junit.jupiter.api.Test;

class CopyOnWriteRangesTest {
    private static final long BASE = 0x100000000L;
    private static final long LIMIT = BASE + (64L << 20);
    private static final long P = 0x1000;
    private static final long M2 = PageSize.SIZE_2M.bytes();

    /** Only id, base and limit are read by the checks; any other call fails the test. */
    private static final AddressSpace SPACE = (AddressSpace) Proxy.newProxyInstance(
            AddressSpace.class.getClassLoader(), new Class<?>[] {AddressSpace.class}, (proxy, method, args) ->
                    switch (method.getName()) {
                        case "id" -> 7L;
                        case "base" -> BASE;
                        case "limit" -> LIMIT;
                        default -> throw new AssertionError("unexpected call " + method.getName());
                    });

    private static final Mapping ON_DEMAND = new Mapping(BASE, 16 * P, -1, PageSize.SIZE_4K, Protection.READ_WRITE,
            MapMode.SHARED);
    private static final Mapping GIVEN_SHARED = new Mapping(BASE + 32 * P, 4 * P, 100, PageSize.SIZE_4K,
            Protection.READ_WRITE, MapMode.SHARED);
    private static final Mapping HUGE = new Mapping(BASE + M2, M2, -1, PageSize.SIZE_2M, Protection.READ_WRITE,
            MapMode.SHARED);
    private static final List<Mapping> MAPPINGS = List.of(ON_DEMAND, GIVEN_SHARED, HUGE);

    private static void assertRefused(Errno errno, String message, int otherViews, long address, long length,
            boolean cow) {
        AepException e = assertThrows(AepException.class,
                () -> CopyOnWriteRanges.checkChange(SPACE, otherViews, address, length, cow, MAPPINGS));
        assertEquals(errno, e.errno(), e::getMessage);
        assertEquals(errno.name() + ": " + message, e.getMessage());
    }

    @Test
    void acceptedChangeReturnsTheMappingsTheRangeOverlaps() {
        assertEquals(List.of(ON_DEMAND, GIVEN_SHARED),
                CopyOnWriteRanges.checkChange(SPACE, 0, BASE + 8 * P, 26 * P, false, MAPPINGS));
    }

    @Test
    void refusalsNameTheErrnoAndTheBadValue() {
        assertRefused(Errno.EPERM, "address space 7 has 2 other view(s); copy-on-write ranges change only while it"
                + " has none", 2, BASE, P, true);
        assertRefused(Errno.EINVAL, "address 0x100000001 is not aligned to 4096", 0, BASE + 1, P, true);
        assertRefused(Errno.EINVAL, "length 100 is not a positive multiple of 4096", 0, BASE, 100, true);
        assertRefused(Errno.EINVAL, "range 0x103fff000+8192 leaves address space 7", 0, LIMIT - P, 2 * P, true);
        assertRefused(Errno.EINVAL, "range 0x100014000+4096 holds no mapping", 0, BASE + 20 * P, P, true);
        assertRefused(Errno.EINVAL, "range 0x100201000+4096 splits a SIZE_2M page of the mapping at 0x100200000", 0,
                BASE + M2 + P, P, true);
        assertRefused(Errno.EACCES, "range 0x100020000+4096 holds the shared mapping of frames at 0x100020000+16384,"
                + " which cannot be copy-on-write", 0, BASE + 32 * P, P, true);
    }

    @Test
    void sharingGivenFramesAgainIsAllowed() {
        assertEquals(List.of(GIVEN_SHARED), CopyOnWriteRanges.checkChange(SPACE, 0, BASE + 32 * P, P, false, MAPPINGS));
    }

    @Test
    void rangesReadBackClippedToMappingsWithFramesFollowingTheOriginal() {
        AddressRanges cow = new AddressRanges();
        cow.add(BASE + 4 * P, BASE + 34 * P);
        assertEquals(List.of(
                new Mapping(BASE + 4 * P, 12 * P, -1, PageSize.SIZE_4K, Protection.READ_WRITE, MapMode.SHARED),
                new Mapping(BASE + 32 * P, 2 * P, 100, PageSize.SIZE_4K, Protection.READ_WRITE, MapMode.SHARED)),
                CopyOnWriteRanges.of(cow, MAPPINGS));
        cow.remove(BASE, BASE + 33 * P);
        assertEquals(List.of(
                new Mapping(BASE + 33 * P, P, 101, PageSize.SIZE_4K, Protection.READ_WRITE, MapMode.SHARED)),
                CopyOnWriteRanges.of(cow, MAPPINGS));
    }
}

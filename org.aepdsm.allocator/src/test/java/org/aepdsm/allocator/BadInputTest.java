package org.aepdsm.allocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.api.ownership.GlobalRef;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every refused input answers its errno, changes nothing, and leaves the pool consistent. */
class BadInputTest extends PoolFixture {
    private final List<long[]> witnesses = new ArrayList<>();
    private long slab;
    private long run;

    @BeforeEach
    void setUp() {
        open();
        for (int i = 0; i < 12; i++) {
            int client = i * 3;
            long size = 8L << i;
            long h = mallocOk(client, size);
            fill(h, size, i);
            witnesses.add(new long[] {h, size, i, client});
        }
        slab = mallocOk(1, 64, 2);
        run = mallocOk(1, 200_000);
    }

    private void refused(String what, long expected, LongSupplier call) {
        long before = count();
        long got = call.getAsLong();
        assertEquals(expected, got, what);
        assertEquals(before, count(), what + " changed the object count");
        for (long[] wit : witnesses) {
            assertFilled(wit[0], wit[1], wit[2]);
            assertEquals((int) wit[3], a.describe(wit[0]).orElseThrow().owner(), what + " changed an owner");
        }
        assertClean();
    }

    @Test
    void forgedAndOutOfRangeHandlesAreInvalid() {
        long data = a.layout().dataStart();
        long end = a.layout().dataEnd();
        int tag = GlobalRef.tagOf(slab);
        long[] forged = {0, 8, 0x1000, data, data + 4, end, end + 8, GlobalRef.OFFSET_MASK - 7, slab + 1, slab + 4,
                slab + 8, slab + 64, ((long) tag << 48) | (end - 4096), run + 8, run + PoolLayout.PAGE,
                ((long) tag << 48) | (off(slab) + 72 * 50)};
        for (long h : forged) {
            String hex = GlobalRef.hex(h);
            refused("free " + hex, EINVAL, () -> free(1, h));
            refused("send " + hex, EINVAL, () -> send(1, 2, h));
            refused("link to " + hex, EINVAL, () -> link(1, slab, h));
        }
    }

    @Test
    void staleHandlesAnswerEstale() {
        long wrongTag = slab ^ (1L << 48);
        refused("free with another generation", ESTALE, () -> free(1, wrongTag));
        refused("free with the sign bit set on the tag", ESTALE, () -> free(1, slab | Long.MIN_VALUE));
        long h = mallocOk(1, 64);
        assertEquals(0, free(1, h));
        refused("double free", ESTALE, () -> free(1, h));
        refused("send of a freed object", ESTALE, () -> send(1, 2, h));
        refused("link to a freed object", ESTALE, () -> link(1, slab, h));
        refused("link into a freed object", ESTALE, () -> link(1, h, slab));
        long r = mallocOk(1, 100_000);
        assertEquals(0, free(1, r));
        refused("double free of a run", ESTALE, () -> free(1, r));
    }

    @Test
    void objectsOfOthersAreNotPermitted() {
        long mine = witnesses.get(1)[0];
        refused("free of client 3's object by 4", EPERM, () -> free(4, mine));
        refused("send of client 3's object by 4", EPERM, () -> send(4, 5, mine));
        refused("link into client 3's object by 1", EPERM, () -> link(1, mine, slab));
        long h = mallocOk(1, 32);
        assertEquals(1, send(1, 2, h));
        refused("free after send", EPERM, () -> free(1, h));
        refused("send after send", EPERM, () -> send(1, 3, h));
        refused("free by the receiver before recv", EPERM, () -> free(2, h));
        assertEquals(h, recv(2, 1));
        assertEquals(0, free(2, h));
    }

    @Test
    void referenceCountsRefuseUnderflowMismatchAndOccupiedSlots() {
        long target = mallocOk(1, 16);
        putWord(off(slab), target);
        refused("unlink below zero", EINVAL, () -> unlink(1, slab, target));
        putWord(off(slab), 0);
        refused("unlink of a slot holding something else", EINVAL, () -> unlink(1, slab, target));
        assertEquals(0, link(1, slab, target));
        refused("link into an occupied slot", EEXIST, () -> link(1, slab, run));
        refused("free of a referenced object", EBUSY, () -> free(1, target));
        refused("unlink naming another target", EINVAL, () -> unlink(1, slab, run));
        refused("link with an unaligned slot", EINVAL, () -> link(1, slab + 12, target));
        refused("link with a slot in the header", EINVAL, () -> link(1, slab - 8, target));
        assertEquals(0, unlink(1, slab, target));
        assertEquals(0, free(1, target));
    }

    @Test
    void badSizesClientsAndOpsAreInvalid() {
        long limit = a.layout().dataEnd() - a.layout().dataStart();
        refused("size 0", EINVAL, () -> malloc(1, 0));
        refused("negative size", EINVAL, () -> malloc(1, -8));
        refused("size beyond the pool", EINVAL, () -> malloc(1, limit + 1));
        refused("huge size", EINVAL, () -> malloc(1, Long.MAX_VALUE));
        refused("more refs than fit", EINVAL, () -> malloc(1, 16, 3));
        refused("negative refs", EINVAL, () -> malloc(1, 16, -1));
        for (long client : new long[] {-1, 40, 41, Integer.MAX_VALUE, Long.MIN_VALUE}) {
            refused("malloc by client " + client, EINVAL, () -> a.call(ShadowEntry.MALLOC, client, 16, 0, 0));
            refused("free by client " + client, EINVAL, () -> a.call(ShadowEntry.FREE, client, slab, 0, 0));
            refused("link by client " + client, EINVAL, () -> a.call(ShadowEntry.LINK, client, slab, run, 0));
            refused("unlink by client " + client, EINVAL, () -> a.call(ShadowEntry.UNLINK, client, slab, run, 0));
            refused("send by client " + client, EINVAL, () -> a.call(ShadowEntry.SEND, client, 2, slab, 0));
            refused("send to client " + client, EINVAL, () -> a.call(ShadowEntry.SEND, 1, client, slab, 0));
            refused("recv by client " + client, EINVAL, () -> a.call(ShadowEntry.RECV, client, -1, 0, 0));
            if (client != -1) {
                refused("recv from client " + client, EINVAL, () -> a.call(ShadowEntry.RECV, 2, client, 0, 0));
                refused("recover client " + client, EINVAL, () -> a.call(ShadowEntry.RECOVER, client, 0, 0, 0));
            }
        }
        for (int op : new int[] {0, 11, -5, 99, Integer.MIN_VALUE}) {
            refused("op " + op, EINVAL, () -> a.call(op, 1, 16, 0, 0));
        }
    }

    @Test
    void exhaustingThePoolAnswersEnomemAndLeavesOthersIntact() {
        List<Long> big = new ArrayList<>();
        long h;
        while ((h = malloc(7, 1L << 20)) > 0) {
            big.add(h);
        }
        assertEquals(ENOMEM, h);
        assertTrue(big.size() > 10, "the pool held " + big.size() + " MiB objects");
        refused("another page run", ENOMEM, () -> malloc(8, 1L << 20));
        long small;
        int n = 0;
        while ((small = malloc(9, 40)) > 0) {
            n++;
        }
        assertEquals(ENOMEM, small, "after " + n + " small objects");
        refused("another small object", ENOMEM, () -> malloc(9, 40));
        for (long b : big) {
            assertEquals(0, free(7, b));
        }
        assertTrue(malloc(8, 1L << 20) > 0, "room again once freed");
    }
}

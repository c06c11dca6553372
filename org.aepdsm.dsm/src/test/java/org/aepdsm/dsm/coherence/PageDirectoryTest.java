package org.aepdsm.dsm.coherence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/**
 * The origin's directory alone, with scripted holders: which faults it answers from its own copy, which
 * it relays from another holder, what it asks of holders, and the grant numbers it hands out.
 */
class PageDirectoryTest {
    private static final int ORIGIN = 1;

    /** Holders that record what the directory asked of them and hold every page with a fixed byte. */
    private static final class ScriptedHolders implements PageDirectory.Holders {
        final List<String> asked = new ArrayList<>();
        final Set<Integer> withoutCopy = new java.util.HashSet<>();

        @Override
        public byte[] fetch(int node, int grant, long page, FetchMode mode) {
            asked.add("fetch " + node + " " + mode + " grant " + grant);
            if (withoutCopy.contains(node)) {
                return null;
            }
            byte[] data = new byte[LocalPages.PAGE_SIZE];
            data[0] = (byte) node;
            return data;
        }

        @Override
        public void invalidate(int[] nodes, int[] grants, long page) {
            asked.add("invalidate " + Arrays.toString(nodes) + " grants " + Arrays.toString(grants));
        }

        @Override
        public boolean alive(int node) {
            return true;
        }
    }

    private final ScriptedHolders holders = new ScriptedHolders();
    private final LocalPages local = new LocalPages(new HeapFrames(4L * LocalPages.PAGE_SIZE), 4,
            LocalPages.EXCLUSIVE);
    private final PageDirectory directory = new PageDirectory("d", ORIGIN, local, holders);

    private Grant serve(int requester, long page, boolean write) {
        List<Grant> out = new ArrayList<>();
        directory.serve(requester, page, write, out::add);
        assertEquals(1, out.size(), "one answer per fault: " + out);
        return out.get(0);
    }

    @Test
    void aReadOfAPageTheOriginHoldsIsAnsweredWithItsDataAndANewGrantNumber() {
        Grant g = serve(2, 0, false);
        assertInstanceOf(Grant.Data.class, g);
        assertEquals(1, ((Grant.Data) g).seq());
        assertEquals(Set.of(1, 2), directory.state(0).owners());
        assertTrue(holders.asked.isEmpty(), holders.asked.toString());
    }

    @Test
    void aWriteInvalidatesOtherCopiesNamingTheGrantThatMadeThemHolders() {
        assertInstanceOf(Grant.Data.class, serve(2, 0, false));
        assertInstanceOf(Grant.Data.class, serve(3, 0, false));
        Grant g = serve(2, 0, true);
        assertInstanceOf(Grant.NoData.class, g);
        assertEquals(3, ((Grant.NoData) g).seq());
        assertEquals(List.of("invalidate [3] grants [2]"), holders.asked);
        assertEquals(Set.of(2), directory.state(0).owners());
        assertEquals(LocalPages.INVALID, local.stateNow(0), "the origin dropped its own copy");
    }

    @Test
    void aReadOfAPageOnlyAnotherNodeHoldsIsRelayedByTheOriginWhichKeepsACopy() {
        assertInstanceOf(Grant.Data.class, serve(3, 2, true));
        Grant g = serve(2, 2, false);
        Grant.Data d = assertInstanceOf(Grant.Data.class, g);
        assertEquals(3, d.bytes()[0], "node 3's bytes");
        assertEquals(2, d.seq());
        assertEquals(List.of("fetch 3 DOWNGRADE grant 1"), holders.asked);
        assertEquals(Set.of(1, 2, 3), directory.state(2).owners());
        assertEquals(-1, directory.state(2).writer(), "the writer downgraded");
        assertEquals(LocalPages.SHARED, local.stateNow(2), "the origin kept a copy of the relayed data");
        holders.asked.clear();
        assertInstanceOf(Grant.Data.class, serve(4, 2, false));
        assertTrue(holders.asked.isEmpty(), "the next reader is served from the origin's copy: " + holders.asked);
    }

    @Test
    void aWriteToAPageOneOtherNodeHoldsTakesThatCopyWithOneFetchThatDropsIt() {
        serve(3, 1, true);
        Grant.Data d = assertInstanceOf(Grant.Data.class, serve(2, 1, true));
        assertEquals(3, d.bytes()[0], "node 3's bytes");
        assertEquals(2, d.seq());
        assertEquals(List.of("fetch 3 DROP grant 1"), holders.asked, "no invalidation after the fetch");
        assertEquals(Set.of(2), directory.state(1).owners());
        assertEquals(2, directory.state(1).writer());
        assertEquals(LocalPages.INVALID, local.stateNow(1), "the origin keeps no copy of a written page");
    }

    @Test
    void theOriginsWriteTakesTheOnlyOtherCopyWithOneFetchThatDropsIt() {
        serve(3, 1, true);
        Grant g = serve(ORIGIN, 1, true);
        Grant.Data d = assertInstanceOf(Grant.Data.class, g);
        assertEquals(3, d.bytes()[0], "node 3's bytes");
        assertEquals(List.of("fetch 3 DROP grant 1"), holders.asked, "no invalidation after the fetch");
        assertEquals(Set.of(ORIGIN), directory.state(1).owners());
        assertEquals(ORIGIN, directory.state(1).writer());
    }

    @Test
    void aWriteWhileSeveralNodesHoldCopiesTakesTheOriginsCopyAndInvalidatesEveryOther() {
        serve(3, 1, true);
        serve(2, 1, false);
        holders.asked.clear();
        Grant.Data d = assertInstanceOf(Grant.Data.class, serve(4, 1, true));
        assertEquals(3, d.bytes()[0], "node 3's bytes, kept at the origin by the relayed read");
        assertEquals(List.of("invalidate [2, 3] grants [2, 1]"), holders.asked);
        assertEquals(Set.of(4), directory.state(1).owners());
        assertEquals(LocalPages.INVALID, local.stateNow(1), "the origin dropped its own copy");
    }

    @Test
    void aReadWhoseOnlyHolderHasNoCopyFindsThePageLost() {
        serve(3, 0, true);
        serve(2, 0, false);
        serve(2, 0, true);
        assertEquals(Set.of(2), directory.state(0).owners());
        holders.asked.clear();
        holders.withoutCopy.add(2);
        Grant g = serve(4, 0, false);
        assertInstanceOf(Grant.Lost.class, g, "node 2 held the only copy and has none");
        assertEquals(List.of("fetch 2 DOWNGRADE grant 3"), holders.asked);
        assertTrue(directory.state(0).lost());
        assertTrue(directory.state(0).owners().isEmpty());
    }

    @Test
    void aWriteWhoseOnlyHolderHasNoCopyFindsThePageLost() {
        serve(3, 3, true);
        holders.asked.clear();
        holders.withoutCopy.add(3);
        AtomicReference<Grant> answer = new AtomicReference<>();
        directory.serve(2, 3, true, answer::set);
        assertInstanceOf(Grant.Lost.class, answer.get());
        assertEquals(List.of("fetch 3 DROP grant 1"), holders.asked);
        assertTrue(directory.state(3).lost());
        assertEquals(-1, directory.state(3).writer());
    }

    @Test
    void aReadFromANodeCountedAsAHolderIsServedWithDataAgain() {
        assertInstanceOf(Grant.Data.class, serve(2, 0, false));
        Grant again = serve(2, 0, false);
        assertInstanceOf(Grant.Data.class, again, "a reader holds no valid copy, whatever the directory counted");
        assertEquals(2, ((Grant.Data) again).seq());
        assertEquals(Set.of(1, 2), directory.state(0).owners());
    }

    @Test
    void aRebuiltDirectoryTakesOwnersWriterAndGrantNumbersFromTheReportsAndLosesPagesNobodyHolds() {
        LocalPages mine = new LocalPages(new HeapFrames(4L * LocalPages.PAGE_SIZE), 4, LocalPages.INVALID);
        byte i = LocalPages.INVALID;
        byte s = LocalPages.SHARED;
        byte x = LocalPages.EXCLUSIVE;
        // node 2 is the new origin (its own report is all invalid); origin 1 died
        java.util.Map<Integer, LocalPages.Copies> reports = java.util.Map.of(
                2, mine.copies(),
                3, new LocalPages.Copies(new byte[] {i, s, x, x}, new int[] {4, 7, 9, 5}),
                4, new LocalPages.Copies(new byte[] {i, s, i, s}, new int[] {6, 8, 2, 3}));
        PageDirectory d = PageDirectory.rebuilt("d", 2, mine, holders, 1, reports);

        assertTrue(d.state(0).lost());
        assertEquals(Set.of(), d.state(0).owners());
        assertEquals(new PageStateView(Set.of(3, 4), -1), view(d, 1));
        assertEquals(new PageStateView(Set.of(3), 3), view(d, 2));
        assertEquals(new PageStateView(Set.of(3), 3), view(d, 3), "a valid copy beside a writer is dropped");
        assertEquals(List.of("invalidate [4] grants [3]"), holders.asked);
        assertEquals(1, d.lostPages());

        List<Grant> out = new ArrayList<>();
        d.serve(4, 0, false, out::add);
        Grant.Lost lost = assertInstanceOf(Grant.Lost.class, out.get(0));
        assertEquals("page 0 of region 'd' is lost: origin node 1 died holding the only copy", lost.reason());
        out.clear();
        d.serve(4, 1, true, out::add);
        assertEquals(9, assertInstanceOf(Grant.NoData.class, out.get(0)).seq(),
                "the next grant is above every grant a survivor reported");
        assertEquals("invalidate [3] grants [7]", holders.asked.getLast());
    }

    private record PageStateView(Set<Integer> owners, int writer) {
    }

    private static PageStateView view(PageDirectory d, long page) {
        return new PageStateView(d.state(page).owners(), d.state(page).writer());
    }
}

package org.aepdsm.dsm.coherence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/**
 * The origin's directory alone, with scripted holders: which faults the delivery thread may answer at
 * once ({@link PageDirectory#serveAtOnce}) and which must wait for other nodes.
 */
class PageDirectoryTest {
    private static final int ORIGIN = 1;

    /** Holders that record what the directory asked of them and hold every page with a fixed byte. */
    private static final class ScriptedHolders implements PageDirectory.Holders {
        final List<String> asked = new ArrayList<>();

        @Override
        public byte[] fetch(int node, long page, FetchMode mode) {
            asked.add("fetch " + node);
            byte[] data = new byte[LocalPages.PAGE_SIZE];
            data[0] = (byte) node;
            return data;
        }

        @Override
        public void invalidate(List<Integer> nodes, long page) {
            asked.add("invalidate " + nodes);
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
        AtomicReference<Grant> out = new AtomicReference<>();
        directory.serve(requester, page, write, out::set);
        return out.get();
    }

    private Grant atOnce(int requester, long page, boolean write) {
        AtomicReference<Grant> out = new AtomicReference<>();
        return directory.serveAtOnce(requester, page, write, out::set) ? out.get() : null;
    }

    @Test
    void aReadOfAPageTheOriginHoldsIsAnsweredAtOnce() {
        Grant g = atOnce(2, 0, false);
        assertInstanceOf(Grant.Data.class, g);
        assertEquals(Set.of(1, 2), directory.state(0).owners());
        assertTrue(holders.asked.isEmpty(), holders.asked.toString());
    }

    @Test
    void aWriteThatMustInvalidateAnotherNodeIsLeftForAWorker() {
        assertInstanceOf(Grant.Data.class, serve(2, 0, false));
        assertInstanceOf(Grant.Data.class, serve(3, 0, false));
        assertEquals(null, atOnce(2, 0, true), "node 3's copy needs an invalidation");
        assertEquals(Set.of(1, 2, 3), directory.state(0).owners(), "a refused fault changes nothing");
        assertTrue(holders.asked.isEmpty(), holders.asked.toString());
        assertInstanceOf(Grant.NoData.class, serve(2, 0, true));
        assertEquals(List.of("invalidate [3]"), holders.asked);
        assertEquals(Set.of(2), directory.state(0).owners());
    }

    @Test
    void anUpgradeWhereOnlyTheOriginSharesThePageIsGrantedAtOnce() {
        assertInstanceOf(Grant.Data.class, atOnce(2, 1, false));
        assertInstanceOf(Grant.NoData.class, atOnce(2, 1, true));
        assertEquals(2, directory.state(1).writer());
        assertEquals(LocalPages.INVALID, local.stateNow(1), "the origin dropped its own copy");
        assertTrue(holders.asked.isEmpty(), holders.asked.toString());
    }

    @Test
    void aReadOfAPageOnlyAnotherNodeHoldsIsLeftForAWorker() {
        assertInstanceOf(Grant.Data.class, serve(3, 2, true));
        assertEquals(null, atOnce(2, 2, false));
        assertFalse(directory.state(2).owners().contains(2));
        Grant g = serve(2, 2, false);
        assertEquals(3, ((Grant.Data) g).bytes()[0], "the data came from node 3");
        assertEquals(List.of("fetch 3"), holders.asked);
    }
}

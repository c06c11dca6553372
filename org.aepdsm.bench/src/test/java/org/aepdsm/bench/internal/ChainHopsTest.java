package org.aepdsm.bench.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Even rounds go down the chain, odd ones back up, each starting where the last ended. */
class ChainHopsTest {
    private static List<String> hops(int round, int clients) {
        List<String> hops = new ArrayList<>();
        for (int hop = 1; hop < clients; hop++) {
            hops.add(ChainHops.from(round, hop, clients) + "->" + ChainHops.to(round, hop, clients));
        }
        return hops;
    }

    @Test
    void evenRoundsGoDownAndOddRoundsComeBack() {
        assertEquals(List.of("1->2", "2->3", "3->4"), hops(0, 4));
        assertEquals(List.of("4->3", "3->2", "2->1"), hops(1, 4));
        assertEquals(List.of("1->2"), hops(2, 2));
        assertEquals(List.of("2->1"), hops(3, 2));
    }

    @Test
    void eachRoundStartsWithTheClientTheLastOneEndedAtAndSoDoesTheHolder() {
        int clients = 10;
        int holder = 1;
        for (int r = 0; r < 7; r++) {
            assertEquals(holder, ChainHops.from(r, 1, clients), "round " + r);
            holder = ChainHops.to(r, clients - 1, clients);
            assertEquals(holder, ChainHops.holderAfter(r + 1, clients), "after round " + r);
        }
    }
}

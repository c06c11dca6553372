package org.aepdsm.backend.sim.paging;

import java.util.Arrays;

/**
 * A two-level set-associative TLB with LRU replacement, caching present leaf entries.
 *
 * <pre>
 *   L1: three arrays, one per page size     L2: one unified array, every page size
 *       4 KiB  l1Entries4k / ways sets          l2Entries / l2Ways sets
 *       2 MiB  l1Entries2m / ways sets
 *       1 GiB  l1Entries1g / ways sets
 *
 *   an array: slot (set * ways + way)
 *     tag   = vpn << 2 | size   (size 0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB; vpn = va >>> page shift), -1 = empty
 *     value = the cached leaf entry (always has P set, so 0 means "miss")
 *     stamp = the tick of the last use; the victim is an empty slot, else the smallest stamp
 *   set = vpn mod sets
 * </pre>
 *
 * <p>A lookup probes the L1 arrays for every size (the hardware probes them in parallel), then
 * the L2; an L2 hit is copied into the L1. A fill goes into both levels. Entries are
 * invalidated by virtual range (a shootdown) whenever a mapping changes under them.
 *
 * <p>Thread-safety: none; the owning address space serialises every call. Lookups allocate nothing.
 */
public final class Tlb {
    private static final long EMPTY = -1;

    private final Level[] l1 = new Level[3];
    private final Level l2;
    private long tick;
    private int hitSize;
    private boolean hitInL1;

    /** An empty TLB of the given shape. */
    public Tlb(TlbGeometry geometry) {
        l1[0] = new Level(geometry.l1Entries4k(), geometry.l1Ways());
        l1[1] = new Level(geometry.l1Entries2m(), geometry.l1Ways());
        l1[2] = new Level(geometry.l1Entries1g(), geometry.l1Ways());
        l2 = new Level(geometry.l2Entries(), geometry.l2Ways());
    }

    /**
     * The cached leaf entry for {@code va}.
     *
     * @return the entry, or 0 on a miss; after a hit {@link #hitShift()} and {@link #hitInL1()} describe it
     */
    public long lookup(long va) {
        tick++;
        for (int size = 0; size < 3; size++) {
            long tag = tag(va, size);
            int slot = l1[size].find(tag);
            if (slot >= 0) {
                l1[size].stamps[slot] = tick;
                hitSize = size;
                hitInL1 = true;
                return l1[size].values[slot];
            }
        }
        for (int size = 0; size < 3; size++) {
            long tag = tag(va, size);
            int slot = l2.find(tag);
            if (slot >= 0) {
                l2.stamps[slot] = tick;
                long value = l2.values[slot];
                l1[size].put(tag, value, tick);
                hitSize = size;
                hitInL1 = false;
                return value;
            }
        }
        return 0;
    }

    /** The page shift (12, 21, 30) of the last hit. */
    public int hitShift() {
        return 12 + 9 * hitSize;
    }

    /** Whether the last hit came from the L1. */
    public boolean hitInL1() {
        return hitInL1;
    }

    /**
     * Caches a present leaf entry.
     *
     * @param level the leaf's level: 1 (4 KiB), 2 (2 MiB) or 3 (1 GiB)
     */
    public void fill(long va, int level, long entry) {
        tick++;
        int size = level - 1;
        long tag = tag(va, size);
        l1[size].put(tag, entry, tick);
        l2.put(tag, entry, tick);
    }

    /** Replaces the cached value of a leaf if it is cached (for accessed/dirty updates). */
    public void refresh(long va, int level, long entry) {
        int size = level - 1;
        long tag = tag(va, size);
        l1[size].replace(tag, entry);
        l2.replace(tag, entry);
    }

    /** Drops every entry whose page overlaps {@code [start, end)}. */
    public void invalidate(long start, long end) {
        for (Level level : l1) {
            level.invalidate(start, end);
        }
        l2.invalidate(start, end);
    }

    /** Drops every entry. */
    public void flush() {
        for (Level level : l1) {
            level.clear();
        }
        l2.clear();
    }

    /** Valid entries in both levels, for tests and reports. */
    public int validEntries() {
        int n = l2.valid();
        for (Level level : l1) {
            n += level.valid();
        }
        return n;
    }

    private static long tag(long va, int size) {
        return ((va >>> (12 + 9 * size)) << 2) | size;
    }

    /** One set-associative array. */
    private static final class Level {
        final int sets;
        final int ways;
        final long[] tags;
        final long[] values;
        final long[] stamps;

        Level(int entries, int ways) {
            this.ways = Math.min(ways, entries);
            this.sets = entries / this.ways;
            this.tags = new long[entries];
            this.values = new long[entries];
            this.stamps = new long[entries];
            Arrays.fill(tags, EMPTY);
        }

        int find(long tag) {
            int base = set(tag) * ways;
            for (int w = 0; w < ways; w++) {
                if (tags[base + w] == tag) {
                    return base + w;
                }
            }
            return -1;
        }

        void put(long tag, long value, long tick) {
            int slot = find(tag);
            if (slot < 0) {
                int base = set(tag) * ways;
                slot = base;
                for (int w = 0; w < ways; w++) {
                    int s = base + w;
                    if (tags[s] == EMPTY) {
                        slot = s;
                        break;
                    }
                    if (stamps[s] < stamps[slot]) {
                        slot = s;
                    }
                }
            }
            tags[slot] = tag;
            values[slot] = value;
            stamps[slot] = tick;
        }

        void replace(long tag, long value) {
            int slot = find(tag);
            if (slot >= 0) {
                values[slot] = value;
            }
        }

        void invalidate(long start, long end) {
            for (int s = 0; s < tags.length; s++) {
                long t = tags[s];
                if (t == EMPTY) {
                    continue;
                }
                int shift = 12 + 9 * (int) (t & 3);
                long pageStart = (t >>> 2) << shift;
                long pageEnd = pageStart + (1L << shift);
                if (pageStart < end && start < pageEnd) {
                    tags[s] = EMPTY;
                }
            }
        }

        void clear() {
            Arrays.fill(tags, EMPTY);
        }

        int valid() {
            int n = 0;
            for (long t : tags) {
                if (t != EMPTY) {
                    n++;
                }
            }
            return n;
        }

        private int set(long tag) {
            return (int) ((tag >>> 2) % sets);
        }
    }
}

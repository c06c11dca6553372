package org.aepdsm.morsel;

import java.util.Arrays;
import java.util.OptionalLong;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.SubtreeSet;
import org.aepdsm.api.morsel.SecondaryView;
import org.aepdsm.api.morsel.TranslationFormat;

/**
 * A morsel's secondary translation in EPT format, filled lazily from the leader (AMD64) subtrees:
 * the guest-physical address of a page is its offset in the morsel, as when a morsel appears as one
 * contiguous range of a virtual machine's memory.
 *
 * <pre>
 *   offset -> chunk = offset >>> 21 (2 MiB, one EPT page table), index = (offset >>> 12) & 511
 *   ept[chunk]   null until a page of the chunk is looked up; then 512 EPT entries (0 = not built)
 *   side[chunk]  the AMD64 bits EPT cannot hold ({@link EptFormat#side}), per entry
 *   lookup miss: leader entry -> EptFormat.toEpt / side -> stored    (entriesBuilt++)
 *   leader change on [offset, offset+length): built entries there are zeroed (invalidations++)
 * </pre>
 *
 * <p>Invariant: a non-zero entry was built from the leader's entry as it is now (every leader change
 * goes through {@link #invalidate}); {@link #leaderEntry} rebuilds the leader's entry exactly from the
 * EPT entry and its side word. The view is not persisted: it is rebuilt on use.
 *
 * <p>Thread-safety: all methods may be called from any thread (one lock). Ownership: owned by its
 * morsel, which reports leader changes to it.
 */
final class EptView implements SecondaryView {
    private static final int ENTRIES = 512;

    private final SubtreeSet leader;
    private long[][] ept;
    private long[][] side;
    private long built;
    private long invalidated;
    private long present;
    private long tables;
    private boolean closed;

    EptView(SubtreeSet leader) {
        this.leader = leader;
        int chunks = (int) (leader.size() >>> 21);
        this.ept = new long[chunks][];
        this.side = new long[chunks][];
    }

    @Override
    public TranslationFormat format() {
        return TranslationFormat.EPT;
    }

    @Override
    public synchronized OptionalLong entry(long offset) {
        int[] at = locate(offset);
        long[] table = ept[at[0]];
        if (table == null) {
            table = new long[ENTRIES];
            ept[at[0]] = table;
            side[at[0]] = new long[ENTRIES];
            tables++;
        }
        long e = table[at[1]];
        if (e == 0) {
            long amd64 = leader.leaderEntry(offset & ~4095L);
            if (amd64 == 0) {
                return OptionalLong.empty();
            }
            e = EptFormat.toEpt(amd64, 1);
            table[at[1]] = e;
            side[at[0]][at[1]] = EptFormat.side(amd64, 1);
            built++;
            present++;
        }
        return OptionalLong.of(e);
    }

    /**
     * The leader entry as this view remembers it: the EPT entry plus its side word, converted back.
     *
     * @return the AMD64 entry, or empty if the entry was not built (or was invalidated)
     */
    synchronized OptionalLong leaderEntry(long offset) {
        int[] at = locate(offset);
        long[] table = ept[at[0]];
        if (table == null || table[at[1]] == 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(EptFormat.toAmd64(table[at[1]], side[at[0]][at[1]], 1));
    }

    /** Drops the built entries of {@code [offset, offset + length)} after a leader change there. */
    synchronized void invalidate(long offset, long length) {
        for (long o = offset & ~4095L; o < offset + length && (o >>> 21) < ept.length; o += 4096) {
            int chunk = (int) (o >>> 21);
            long[] table = ept[chunk];
            if (table == null) {
                o = ((long) (chunk + 1) << 21) - 4096;
                continue;
            }
            int i = (int) ((o >>> 12) & (ENTRIES - 1));
            if (table[i] != 0) {
                table[i] = 0;
                side[chunk][i] = 0;
                invalidated++;
                present--;
            }
        }
    }

    /** Follows a resize of the leader: entries beyond the new size are invalidated. */
    synchronized void resized(long newSize) {
        long oldSize = (long) ept.length << 21;
        if (newSize < oldSize) {
            invalidate(newSize, oldSize - newSize);
            for (int c = (int) (newSize >>> 21); c < ept.length; c++) {
                if (ept[c] != null) {
                    tables--;
                }
            }
        }
        ept = Arrays.copyOf(ept, (int) (newSize >>> 21));
        side = Arrays.copyOf(side, ept.length);
    }

    /** Drops everything; the morsel is gone. */
    synchronized void close() {
        invalidate(0, (long) ept.length << 21);
        closed = true;
    }

    @Override
    public synchronized long entriesBuilt() {
        return built;
    }

    @Override
    public synchronized long invalidations() {
        return invalidated;
    }

    @Override
    public synchronized long entriesPresent() {
        return present;
    }

    /** EPT page tables (one per 2 MiB chunk touched) allocated so far. */
    synchronized long tablePages() {
        return tables;
    }

    private int[] locate(long offset) {
        if (closed) {
            throw new AepException(Errno.ESTALE, "the secondary view's morsel was destroyed");
        }
        long size = (long) ept.length << 21;
        if (offset < 0 || offset >= size) {
            throw new AepException(Errno.EINVAL, "offset 0x" + Long.toHexString(offset)
                    + " is outside the morsel of " + size + " bytes");
        }
        return new int[] {(int) (offset >>> 21), (int) ((offset >>> 12) & (ENTRIES - 1))};
    }
}

package org.aepdsm.backend.os;

import java.util.OptionalLong;

/**
 * The read-write test of {@code cxl_map --rw-test}: every 8-byte word of a window is written with
 * a pattern mixed with its offset and read back, then with the complement; the first word that
 * does not read back what was written is reported. The window's previous contents are put back
 * afterwards, chunk by chunk, so the test leaves the memory as it found it. Not thread-safe.
 */
final class RwTest {
    /** The pattern of the original program. */
    static final long DEFAULT_PATTERN = 0xaed5c0015eed1234L;
    private static final int CHUNK_WORDS = 1 << 17;

    /** Word access to the memory under test. */
    interface Words {
        long size();

        long get(long offset);

        void set(long offset, long value);
    }

    /**
     * A word that did not read back.
     *
     * @param offset byte offset in the window
     * @param wrote  the value written
     * @param read   the value read back
     */
    record Mismatch(long offset, long wrote, long read) {
    }

    private RwTest() {
    }

    /** The value written at {@code offset} in the first pass. */
    static long expected(long pattern, long offset) {
        return pattern ^ (offset * 0x9e3779b97f4a7c15L);
    }

    /** Runs the test; returns the first mismatch, or null when every word read back. */
    static Mismatch run(Words memory, long pattern) {
        long words = memory.size() / 8;
        long[] saved = new long[(int) Math.min(words, CHUNK_WORDS)];
        for (long first = 0; first < words; first += saved.length) {
            int n = (int) Math.min(saved.length, words - first);
            for (int i = 0; i < n; i++) {
                saved[i] = memory.get((first + i) * 8);
            }
            try {
                for (long pass = 0; pass < 2; pass++) {
                    OptionalLong bad = OptionalLong.empty();
                    for (int i = 0; i < n; i++) {
                        long off = (first + i) * 8;
                        memory.set(off, value(pattern, off, pass));
                    }
                    for (int i = 0; i < n && bad.isEmpty(); i++) {
                        long off = (first + i) * 8;
                        if (memory.get(off) != value(pattern, off, pass)) {
                            bad = OptionalLong.of(off);
                        }
                    }
                    if (bad.isPresent()) {
                        long off = bad.getAsLong();
                        return new Mismatch(off, value(pattern, off, pass), memory.get(off));
                    }
                }
            } finally {
                for (int i = 0; i < n; i++) {
                    memory.set((first + i) * 8, saved[i]);
                }
            }
        }
        return null;
    }

    private static long value(long pattern, long offset, long pass) {
        long v = expected(pattern, offset);
        return pass == 0 ? v : ~v;
    }
}

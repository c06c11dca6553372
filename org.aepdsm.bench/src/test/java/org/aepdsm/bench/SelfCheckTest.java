package org.aepdsm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.api.ownership.GlobalRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Entries that damage what passes through them: each benchmark notices and fails with the original's message. */
class SelfCheckTest {
    @TempDir
    Path dir;

    /** Flips a u64 of the first object sent. */
    /** Flips a bit of the field at {@code offset} after the {@code nth} SEND (from 1). */
    private static final class CorruptOnSend extends HeapEntry {
        private final long offset;
        private int left;

        CorruptOnSend(long offset, int nth) {
            this.offset = offset;
            this.left = nth;
        }

        @Override
        protected void afterSend(long handle) {
            if (--left == 0) {
                long at = GlobalRef.offsetOf(handle) + offset;
                memory().set(ValueLayout.JAVA_LONG_UNALIGNED, at,
                        memory().get(ValueLayout.JAVA_LONG_UNALIGNED, at) ^ 0x40);
            }
        }
    }

    private AepException failure(HeapEntry e, String bench, String line) {
        AepException x = assertThrows(AepException.class,
                () -> new Harness(dir, null, Harness.shadow(e)).run(bench, line));
        assertEquals(Errno.EIO, x.errno(), x.getMessage());
        return x;
    }

    @Test
    void transferSingleObjectNoticesAChangedChecksum() {
        assertEquals("EIO: single-object payload mismatch at round 0",
                failure(new CorruptOnSend(32, 1), "transfer_bench", "3 64 1 --mode=single").getMessage());
    }

    @Test
    void transferTreeNoticesAChangedNode() {
        assertEquals("EIO: tree node checksum mismatch at index 1",
                failure(new CorruptOnSend(24, 1), "transfer_bench", "2 64 3 --mode=tree").getMessage());
    }

    @Test
    void transferTreeNoticesALostSubtree() {
        assertEquals("EIO: tree traversal visited 4 nodes, expected 7",
                failure(new HeapEntry() {
                    @Override
                    protected void afterSend(long handle) {
                        memory().set(ValueLayout.JAVA_LONG_UNALIGNED, GlobalRef.offsetOf(handle), 0L);
                    }
                }, "transfer_bench", "2 64 2 --mode=tree").getMessage());
    }

    @Test
    void serverlessChainNoticesAChangedStamp() {
        String m = failure(new CorruptOnSend(16, 1), "serverless_chain", "3 64 3").getMessage();
        assertEquals("EIO: payload mismatch: round=0 hop=64 checksum=0x" + Long.toHexString(
                ServerlessChain.checksumFor(0, 0)) + ", expected round=0 hop=0", m);
    }

    @Test
    void serverlessChainChecksTheHopsOfARoundRunBackwards() {
        // 3 clients: sends 1 and 2 are round 0 (1 -> 2 -> 3); send 3 is round 1's first hop, 3 -> 2.
        String m = failure(new CorruptOnSend(8, 3), "serverless_chain", "3 64 3").getMessage();
        assertEquals("EIO: payload mismatch: round=65 hop=0 checksum=0x" + Long.toHexString(
                ServerlessChain.checksumFor(1, 0)) + ", expected round=1 hop=0", m);
    }

    @Test
    void kvNoticesANodeTheAllocatorHandedOutTwice() {
        HeapEntry twice = new HeapEntry() {
            private long first;
            private int mallocs;

            @Override
            protected long afterMalloc(long handle) {
                mallocs++;
                if (mallocs == 1) {
                    first = handle;
                }
                return mallocs == 2 ? first : handle;
            }
        };
        assertEquals("EIO: kv_get missed preloaded key 0x1", failure(twice, "kv", "1 9 2").getMessage());
    }

    @Test
    void pagerankNoticesAMisaddressedMessage() {
        String m = failure(new HeapEntry() {
            private boolean done;

            @Override
            protected void afterSend(long handle) {
                if (!done) {
                    done = true;
                    memory().set(ValueLayout.JAVA_INT_UNALIGNED, GlobalRef.offsetOf(handle) + 36, 7);
                }
            }
        }, "pagerank", "2 64 1 1 4").getMessage();
        assertTrue(m.startsWith("EIO: pagerank message mismatch: worker="), m);
        assertTrue(m.endsWith(" iter=0 got src=" + (m.contains("worker=0") ? 1 : 0) + " dst=7 chunk=0"), m);
    }

    @Test
    void threadtestReportsAFailedMalloc() {
        HeapEntry small = new HeapEntry(4096, 0xffffe8fffd801000L, false);
        AepException x = assertThrows(AepException.class,
                () -> new Harness(dir, null, Harness.shadow(small)).run("threadtest", "1 1 1000 0 1"));
        assertEquals(Errno.ENOMEM, x.errno());
        assertTrue(x.getMessage().contains("aep_dsm_malloc failed: client=1 size=8"), x.getMessage());
    }

    @Test
    void aFailedCallCarriesTheEntrysReasonForItsArguments() {
        HeapEntry small = new HeapEntry(4096, 0xffffe8fffd801000L, false) {
            @Override
            public String explain(int op, long a0, long a1, long a2, long result) {
                return op == ShadowEntry.MALLOC && result == -Errno.ENOMEM.code()
                        ? "client " + a0 + " found no room for " + a1 + " bytes with " + a2 + " slots" : "";
            }
        };
        AepException x = assertThrows(AepException.class,
                () -> new Harness(dir, null, Harness.shadow(small)).run("threadtest", "1 1 1000 0 1"));
        assertEquals(Errno.ENOMEM, x.errno());
        assertTrue(x.getMessage().endsWith("aep_dsm_malloc failed: client=1 size=8: client 1 found no room for 8 bytes"
                + " with 0 slots"), x.getMessage());
    }
}

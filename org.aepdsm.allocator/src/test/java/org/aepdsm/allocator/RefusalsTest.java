package org.aepdsm.allocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.entry.AepClient;
import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.api.ownership.GlobalRef;
import org.aepdsm.api.ownership.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** A refused console command says which argument failed which check, naming the values; nothing else changes. */
class RefusalsTest {
    private static final int SLOTS = 64;
    private PoolBinding binding;
    private AepCommands cmd;

    @BeforeEach
    void open() {
        PoolBinding.Settings settings = new PoolBinding.Settings("p", 64L << 20, new Topology(2, 20), SLOTS, false,
                false, PoolShadowEntry.DEFAULT_ADDRESS);
        binding = PoolBinding.open(new TestBackend("sim"), settings,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        cmd = new AepCommands(binding::entry);
    }

    @AfterEach
    void close() {
        binding.close();
    }

    private static String handle(String allocOutput) {
        return allocOutput.substring(0, allocOutput.indexOf(' '));
    }

    private static long value(String hex) {
        return AepCommands.parse(hex);
    }

    private static String hex(long value) {
        return GlobalRef.hex(value);
    }

    /** The command fails with {@code errno}, its message holds {@code reason}, and the pool stays consistent. */
    private void refused(Errno errno, String reason, Executable command) {
        long live = binding.entry().allocator().count();
        AepException e = assertThrows(AepException.class, command);
        assertEquals(errno, e.errno(), e.getMessage());
        assertTrue(e.getMessage().startsWith(errno.name() + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(reason), "expected '" + reason + "' in: " + e.getMessage());
        assertEquals(live, binding.entry().allocator().count(), "the refusal changed the live count");
        assertTrue(cmd.fsck().startsWith("clean"), cmd.fsck());
    }

    @Test
    void clientsOutOfRangeAreNamedWithTheRange() {
        refused(Errno.EINVAL, "client 99 is not a client of this pool (clients 0..39 on 2 nodes)",
                () -> cmd.alloc(99, 64, 0));
        refused(Errno.EINVAL, "client -2 is not a client", () -> cmd.free(-2, "0x10"));
        String h = handle(cmd.alloc(1, 64, 0));
        refused(Errno.EINVAL, "destination 40 is not a client of this pool", () -> cmd.send(1, 40, h));
        refused(Errno.EINVAL, "sender 77 is not a client", () -> cmd.recv(2, 77));
        refused(Errno.EINVAL, "client 40 is not a client of this pool (clients 0..39 on 2 nodes) (or -1 for all)",
                () -> cmd.recover(40));
    }

    @Test
    void sizesAndSlotCountsOutOfRangeNameTheLimit() {
        long area = binding.entry().allocator().layout().dataEnd() - binding.entry().allocator().layout().dataStart();
        refused(Errno.EINVAL, "size 0 is not a size", () -> cmd.alloc(1, 0, 0));
        refused(Errno.EINVAL, "size -5 is not a size", () -> cmd.alloc(1, -5, 0));
        refused(Errno.EINVAL, "size " + (area + 1) + " is larger than the pool's data area (" + area + " bytes)",
                () -> cmd.alloc(1, area + 1, 0));
        refused(Errno.EINVAL, "3 reference slots do not fit: an object of 16 bytes holds 0 to 2",
                () -> cmd.alloc(1, 16, 3));
    }

    @Test
    void misplacedHandlesSayWhereTheyPoint() {
        long data = binding.entry().allocator().layout().dataStart();
        long end = binding.entry().allocator().layout().dataEnd();
        long h = value(handle(cmd.alloc(1, 48, 0)));
        refused(Errno.EINVAL, "offset 0x123 is outside the pool's data area [" + hex(data) + ", " + hex(end) + ")",
                () -> cmd.free(1, "0x123"));
        refused(Errno.EINVAL, "offset " + hex(GlobalRef.offsetOf(h) + 4) + " is not 8-byte aligned",
                () -> cmd.free(1, hex(h + 4)));
        int cls = SizeClasses.classOf(48);
        long page = (GlobalRef.offsetOf(h) - data) >>> PoolLayout.PAGE_SHIFT;
        refused(Errno.EINVAL, "is not the start of an object: page " + page + " holds " + SizeClasses.usable(cls)
                + "-byte objects, the nearest starting at " + hex(GlobalRef.offsetOf(h)),
                () -> cmd.free(1, hex(h + 8)));
        long unused = h + 10L * SizeClasses.blockSize(cls);
        refused(Errno.EINVAL, "block 10 of page " + page + " was never allocated", () -> cmd.send(1, 2, hex(unused)));
        long far = data + 1000L * PoolLayout.PAGE + 8;
        refused(Errno.EINVAL, "page 1000 holds no object: nothing was ever allocated there",
                () -> cmd.free(1, hex(far)));
        long run = value(handle(cmd.alloc(1, 100_000, 0)));
        refused(Errno.EINVAL, "lies inside the object at " + hex(GlobalRef.offsetOf(run)) + " (a run of pages)",
                () -> cmd.free(1, hex(run + PoolLayout.PAGE)));
        refused(Errno.EINVAL, "lies inside the object at " + hex(GlobalRef.offsetOf(run)),
                () -> cmd.free(1, hex(run + 64)));
    }

    @Test
    void staleHandlesSayTheObjectWasFreed() {
        String h = handle(cmd.alloc(1, 64, 0));
        cmd.free(1, h);
        refused(Errno.ESTALE, "free of " + h + " by client 1: the object was freed (its block is free)",
                () -> cmd.free(1, h));
        String again = handle(cmd.alloc(1, 64, 0));
        assertEquals(GlobalRef.offsetOf(value(h)), GlobalRef.offsetOf(value(again)), "the block is reused");
        refused(Errno.ESTALE, "the handle has generation " + GlobalRef.tagOf(value(h))
                + ", the block now holds generation " + GlobalRef.tagOf(value(again)), () -> cmd.send(1, 2, h));
        String run = handle(cmd.alloc(1, 100_000, 0));
        cmd.free(1, run);
        refused(Errno.ESTALE, "the object was freed: page", () -> cmd.free(1, run));
    }

    @Test
    void ownershipRefusalsNameTheOwner() {
        String h = handle(cmd.alloc(1, 64, 0));
        refused(Errno.EPERM, h + " belongs to client 1, not to client 2", () -> cmd.free(2, h));
        refused(Errno.EPERM, h + " belongs to client 1, not to client 3", () -> cmd.send(3, 4, h));
        cmd.send(1, 25, h);
        refused(Errno.EPERM, h + " is in flight (sent, not yet received)", () -> cmd.free(1, h));
        refused(Errno.EPERM, h + " is in flight", () -> cmd.send(1, 2, h));
        cmd.recv(25, 1);
        refused(Errno.EPERM, h + " belongs to client 25, not to client 1", () -> cmd.free(1, h));
    }

    @Test
    void mailboxesSayWhoMustAct() {
        refused(Errno.EAGAIN, "no message is waiting from client 1", () -> cmd.recv(2, 1));
        refused(Errno.EAGAIN, "no message is waiting", () -> cmd.recv(2, -1));
        for (int i = 0; i < SLOTS; i++) {
            cmd.send(1, 2, handle(cmd.alloc(1, 16, 0)));
        }
        String last = handle(cmd.alloc(1, 16, 0));
        refused(Errno.EAGAIN, "the mailbox to client 2 is full (" + SLOTS + " messages); the destination must receive"
                + " first", () -> cmd.send(1, 2, last));
        cmd.recv(2, 1);
        assertTrue(cmd.send(1, 2, last).startsWith("sent"));
    }

    @Test
    void referenceRefusalsSayWhatTheSlotHolds() {
        String parent = handle(cmd.alloc(1, 64, 2));
        String child = handle(cmd.alloc(1, 16, 0));
        String other = handle(cmd.alloc(1, 16, 0));
        String slot = hex(value(parent) + 8);
        cmd.link(1, slot, child);
        refused(Errno.EBUSY, child + " is still referenced from 1 slot; unlink it first", () -> cmd.free(1, child));
        refused(Errno.EEXIST, "slot " + slot + " already holds " + child + "; unlink it first",
                () -> cmd.link(1, slot, other));
        refused(Errno.EINVAL, "slot " + slot + " holds " + child + ", not " + other,
                () -> cmd.unlink(1, slot, other));
        refused(Errno.EPERM, "slot " + slot + ": its object " + parent + " belongs to client 1, not to client 2",
                () -> cmd.link(2, slot, other));
        String outside = hex(value(parent) + 64);
        refused(Errno.EINVAL, "slot " + outside + ": not inside a live object", () -> cmd.link(1, outside, other));
        cmd.unlink(1, slot, child);
        refused(Errno.EINVAL, "slot " + slot + " holds no reference, not " + child, () -> cmd.unlink(1, slot, child));
        cmd.free(1, other);
        refused(Errno.ESTALE, "target " + other + ": the object was freed", () -> cmd.link(1, slot, other));
    }

    @Test
    void theTypedFacadeCarriesTheReason() {
        PoolShadowEntry entry = binding.entry();
        long h = new AepClient(entry, 1).malloc(64);
        AepClient other = new AepClient(entry, 3);
        AepException e = assertThrows(AepException.class, () -> other.free(h));
        assertEquals(Errno.EPERM, e.errno());
        assertEquals("free " + hex(h) + " (client 3): " + hex(h) + " belongs to client 1, not to client 3",
                e.getMessage().substring(e.getMessage().indexOf(": ") + 2));
        AepException size = assertThrows(AepException.class, () -> other.malloc(0));
        assertTrue(size.getMessage().endsWith("(client 3): size 0 is not a size: an object has at least 1 byte"),
                size.getMessage());
        assertEquals("", entry.explain(ShadowEntry.FREE, 1, h, 0, 0), "a success has nothing to explain");
        assertEquals("", entry.explain(ShadowEntry.FREE, 1, h, 0, -9999), "an unknown errno has nothing to explain");
    }

    @Test
    void anEntryThatCannotExplainLeavesTheErrnoAlone() {
        ShadowEntry plain = new ShadowEntry() {
            @Override
            public long call(int op, long a0, long a1, long a2, long a3) {
                return -Errno.EPERM.code();
            }

            @Override
            public java.lang.foreign.MemorySegment memory() {
                return java.lang.foreign.MemorySegment.NULL;
            }

            @Override
            public long address() {
                return 0;
            }

            @Override
            public boolean direct() {
                return true;
            }
        };
        AepException e = assertThrows(AepException.class, () -> new AepClient(plain, 2).free(0x40));
        assertEquals(Errno.EPERM, e.errno());
        assertTrue(e.getMessage().endsWith("free 0x40 (client 2)"), e.getMessage());
    }

    @Test
    void aRetiredEntrySaysSo() {
        String h = handle(cmd.alloc(1, 64, 0));
        binding.entry().retire();
        AepException e = assertThrows(AepException.class, () -> cmd.free(1, h));
        assertEquals(Errno.ESTALE, e.errno());
        assertTrue(e.getMessage().contains("the entry was retired"), e.getMessage());
    }
}

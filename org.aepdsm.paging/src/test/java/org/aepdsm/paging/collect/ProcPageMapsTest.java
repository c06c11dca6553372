package org.aepdsm.paging.collect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.paging.PageMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading /proc/PID/maps and /proc/PID/pagemap, from a made-up proc tree with known contents. */
class ProcPageMapsTest {
    private static final long PRESENT = 1L << 63;
    /** Bits 55-62 carry soft-dirty, exclusive, file and swap flags, none part of the frame number. */
    private static final long FLAG_BITS = (1L << 55) | (1L << 56) | (1L << 61);

    @TempDir
    Path proc;

    private Path process(long pid, String maps) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.writeString(dir.resolve("maps"), maps);
        return dir.resolve("pagemap");
    }

    private static void entries(Path pagemap, long vpn, long... values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        b.flip();
        try (FileChannel ch = FileChannel.open(pagemap, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(b, vpn * 8);
        }
    }

    @Test
    void readsFramesSkipsVsyscallAndTrimsTheUntouchedTail() throws IOException {
        Path pagemap = process(4242, """
                00400000-00404000 r-xp 00000000 08:01 1234          /usr/bin/prog
                00600000-00700000 rw-p 00000000 00:00 0             [heap]
                7f0000000000-7f0000002000 rw-p 00000000 00:00 0
                ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0  [vsyscall]
                """);
        entries(pagemap, 0x400, PRESENT | 0x9000, PRESENT | FLAG_BITS | 0x9001, 1L << 62 | 0x77, PRESENT | 0x10);
        entries(pagemap, 0x600, PRESENT | 0x20000, 0, PRESENT | 0x20002);
        entries(pagemap, 0x700, 0);
        PageMap m = new PageCollect(proc).readProcess(4242);
        assertEquals("pid 4242", m.source());
        assertEquals(3, m.vmas().size(), "VMAs without [vsyscall]");
        PageMap.Vma text = m.vmas().get(0);
        assertEquals(0x400, text.startVpn());
        assertArrayEquals(new long[] {0x9000, 0x9001, PageMap.NOT_PRESENT, 0x10}, text.pfns());
        PageMap.Vma heap = m.vmas().get(1);
        assertEquals(256, heap.pages(), "heap keeps its virtual size");
        assertArrayEquals(new long[] {0x20000, PageMap.NOT_PRESENT, 0x20002}, heap.pfns(), "heap ends at its last present page");
        PageMap.Vma beyondFile = m.vmas().get(2);
        assertEquals(0x7f0000000L, beyondFile.startVpn());
        assertEquals(2, beyondFile.pages());
        assertEquals(0, beyondFile.pfns().length, "pages the pagemap cannot give are not present");
        assertEquals(5, m.presentPages());
    }

    @Test
    void framesAllZeroForPresentPagesNeedRoot() throws IOException {
        Path pagemap = process(77, "00400000-00402000 r-xp 00000000 08:01 1 /bin/x\n");
        entries(pagemap, 0x400, PRESENT, PRESENT);
        AepException e = assertThrows(AepException.class, () -> new PageCollect(proc).readProcess(77));
        assertEquals(Errno.EACCES, e.errno());
        assertTrue(e.getMessage().contains(proc.resolve("77").resolve("pagemap").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("root"), e.getMessage());
    }

    @Test
    void noPresentPageIsNotAnError() throws IOException {
        Path pagemap = process(78, "00400000-00402000 r-xp 00000000 08:01 1 /bin/x\n");
        entries(pagemap, 0x400, 0, 0);
        PageMap m = new PageCollect(proc).readProcess(78);
        assertEquals(0, m.presentPages());
        assertEquals(2, m.vmas().getFirst().pages());
    }

    @Test
    void unknownPidIsEnoentNamingThePid() {
        for (long pid : new long[] {999_999_999L, 0, -5}) {
            AepException e = assertThrows(AepException.class, () -> new PageCollect(proc).readProcess(pid));
            assertEquals(Errno.ENOENT, e.errno());
            assertTrue(e.getMessage().contains("pid " + pid), e.getMessage());
        }
        AepException real = assertThrows(AepException.class, () -> new PageCollect().readProcess(Integer.MAX_VALUE));
        assertEquals(Errno.ENOENT, real.errno());
        assertTrue(real.getMessage().contains("pid " + Integer.MAX_VALUE), real.getMessage());
    }
}

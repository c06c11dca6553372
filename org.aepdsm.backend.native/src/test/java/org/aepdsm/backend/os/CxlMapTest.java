package org.aepdsm.backend.os;

import static org.aepdsm.testkit.Errors.assertErrno;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aep:cxlmap} against a file standing in for a memory device, and its failures: a missing
 * device, bad ranges, bad arguments, and a device that does not keep what is written.
 */
class CxlMapTest {
    @TempDir
    Path dir;

    private Path device(int bytes, long seed) throws Exception {
        byte[] content = new byte[bytes];
        new Random(seed).nextBytes(content);
        Path f = dir.resolve("mem0");
        Files.write(f, content);
        return f;
    }

    @Test
    void theRwTestPassesOnAStandInDeviceAndLeavesItsContentsAsTheyWere() throws Exception {
        Path dev = device(64 << 10, 7);
        byte[] before = Files.readAllBytes(dev);
        List<String> out = CxlMap.run(CxlMap.parse(List.of("--phys=0x2000", "--size=0x3000", "--rw-test",
                "--device=" + dev)));
        assertTrue(out.get(0).matches("cxl_map: device=.*mem0 phys=0x2000 size=0x3000 offset=0x2000 -> addr=0x[0-9a-f]+"),
                out.get(0));
        assertEquals("rw-test: 1536 words, pattern 0xaed5c0015eed1234 and its complement", out.get(1));
        assertEquals("rw-test: PASS", out.get(2));
        assertArrayEquals(before, Files.readAllBytes(dev), "the test restores what it overwrote");
    }

    @Test
    void aBaseMapsPhysicalAddressesToDeviceOffsets() throws Exception {
        Path dev = device(16 << 10, 1);
        List<String> out = CxlMap.run(CxlMap.parse(List.of("--phys=0x100001000", "--size=0x1000", "--base=0x100000000",
                "--device=" + dev, "--rw-test", "--pattern=0x1")));
        assertTrue(out.get(0).contains("offset=0x1000"), out.get(0));
        assertEquals("rw-test: PASS", out.get(out.size() - 1));
        assertErrno(Errno.EINVAL, "0xfff", () -> CxlMap.run(CxlMap.parse(List.of("--phys=0xfff",
                "--size=0x1000", "--base=0x1000", "--device=" + dev))));
    }

    @Test
    void aMissingDeviceIsNamedWithItsReason() {
        AepException e = assertErrno(Errno.ENODEV, "/dev/dax9.9",
                () -> CxlMap.run(CxlMap.parse(List.of("--phys=0x0", "--size=0x1000", "--device=/dev/dax9.9"))));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertErrno(Errno.ENODEV, "is a directory", () -> CxlMap.run(CxlMap.parse(List.of("--phys=0x0",
                "--size=0x1000", "--device=" + dir))));
    }

    @Test
    void withoutADaxDeviceTheDefaultIsDevMem() {
        if (!Files.exists(Path.of("/dev/dax0.0"))) {
            assertEquals(Path.of("/dev/mem"), CxlMap.parse(List.of("--phys=0x0", "--size=0x1000")).device());
        } else {
            assertEquals(Path.of("/dev/dax0.0"), CxlMap.parse(List.of("--phys=0x0", "--size=0x1000")).device());
        }
    }

    @Test
    void badRangesAndArgumentsAreRefusedNamingTheValue() throws Exception {
        Path dev = device(16 << 10, 2);
        assertErrno(Errno.EINVAL, "0x1001", () -> CxlMap.run(CxlMap.parse(List.of("--phys=0x1001", "--size=0x1000",
                "--device=" + dev))));
        assertErrno(Errno.EINVAL, "0x800", () -> CxlMap.run(CxlMap.parse(List.of("--phys=0x0", "--size=0x800",
                "--device=" + dev))));
        assertErrno(Errno.EINVAL, "leaves", () -> CxlMap.run(CxlMap.parse(List.of("--phys=0x3000", "--size=0x2000",
                "--device=" + dev))));
        assertErrno(Errno.EINVAL, "--phys and a non-zero --size are required",
                () -> CxlMap.parse(List.of("--size=0x1000")));
        assertErrno(Errno.EINVAL, "'0xzz'", () -> CxlMap.parse(List.of("--phys=0xzz", "--size=0x1000")));
        assertErrno(Errno.EINVAL, "'--frobnicate'", () -> CxlMap.parse(List.of("--frobnicate")));
        assertErrno(Errno.EINVAL, "at least 8", () -> CxlMap.parse(List.of("--phys=0", "--size=4", "--rw-test")));
    }

    /** Memory whose word at one offset keeps a stuck bit, as a faulty device would. */
    private static final class StuckBit implements RwTest.Words {
        final long[] words = new long[512];
        final long badOffset;

        StuckBit(long badOffset) {
            this.badOffset = badOffset;
        }

        @Override
        public long size() {
            return words.length * 8L;
        }

        @Override
        public long get(long offset) {
            return words[(int) (offset / 8)];
        }

        @Override
        public void set(long offset, long value) {
            words[(int) (offset / 8)] = offset == badOffset ? value | 1 : value;
        }
    }

    @Test
    void theFirstWordThatDoesNotReadBackIsReported() {
        StuckBit mem = new StuckBit(0x328);
        RwTest.Mismatch m = RwTest.run(mem, RwTest.DEFAULT_PATTERN);
        assertEquals(0x328, m.offset());
        assertEquals(m.wrote() | 1, m.read());
        assertTrue((m.wrote() & 1) == 0);
        assertNull(RwTest.run(new StuckBit(-8), RwTest.DEFAULT_PATTERN), "sound memory passes");
    }
}

package org.aepdsm.backend.os;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.backend.os.ffm.PhysicalWindow;

/**
 * {@code cxl_map}: maps a physical range through {@code /dev/mem} or a DAX device and, with
 * {@code --rw-test}, writes and reads back patterns over all of it.
 *
 * <p>Physical address to device offset: a DAX device's offset 0 is the physical address in
 * {@code /sys/bus/dax/devices/<name>/resource}; {@code /dev/mem} and any other file start at 0,
 * unless {@code --base} says otherwise. Stateless; each run maps and unmaps its own window.
 */
public final class CxlMap {
    /** The usage line. */
    public static final String USAGE = "usage: aep:cxlmap --phys=0xADDR --size=0xSIZE [--rw-test] [--pattern=0xVALUE]"
            + " [--device=PATH] [--base=0xPHYS]";
    private static final Path DAX = Path.of("/dev/dax0.0");
    private static final Path DEV_MEM = Path.of("/dev/mem");

    /**
     * Parsed options.
     *
     * @param phys    physical address
     * @param size    bytes
     * @param rwTest  whether to run the read-write test
     * @param pattern the test pattern
     * @param device  the device to map through
     * @param base    the physical address of the device's offset 0, or -1 to find it
     */
    record Options(long phys, long size, boolean rwTest, long pattern, Path device, long base) {
    }

    private CxlMap() {
    }

    /**
     * Parses the command's arguments.
     *
     * @throws AepException EINVAL naming the bad argument, with the usage line
     */
    static Options parse(List<String> args) {
        long phys = -1;
        long size = -1;
        boolean rw = false;
        long pattern = RwTest.DEFAULT_PATTERN;
        Path device = null;
        long base = -1;
        for (String a : args) {
            if (a.equals("--rw-test")) {
                rw = true;
            } else if (a.startsWith("--phys=")) {
                phys = number(a, "--phys=");
            } else if (a.startsWith("--size=")) {
                size = number(a, "--size=");
            } else if (a.startsWith("--pattern=")) {
                pattern = number(a, "--pattern=");
            } else if (a.startsWith("--base=")) {
                base = number(a, "--base=");
            } else if (a.startsWith("--device=") && a.length() > "--device=".length()) {
                device = Path.of(a.substring("--device=".length()));
            } else {
                throw new AepException(Errno.EINVAL, "unknown argument '" + a + "'; " + USAGE);
            }
        }
        if (phys < 0 || size <= 0) {
            throw new AepException(Errno.EINVAL, "--phys and a non-zero --size are required; " + USAGE);
        }
        if (rw && size < 8) {
            throw new AepException(Errno.EINVAL, "--rw-test requires at least 8 mapped bytes, got --size=0x"
                    + Long.toHexString(size));
        }
        if (device == null) {
            device = Files.exists(DAX) ? DAX : DEV_MEM;
        }
        return new Options(phys, size, rw, pattern, device, base);
    }

    private static long number(String arg, String prefix) {
        String v = arg.substring(prefix.length());
        try {
            return v.startsWith("0x") || v.startsWith("0X") ? Long.parseUnsignedLong(v.substring(2), 16)
                    : Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new AepException(Errno.EINVAL, "'" + v + "' in " + arg + " is not a number (decimal or 0x hex)");
        }
    }

    /** The physical address of offset 0 of the device. */
    static long baseOf(Path device) {
        Path resource = Path.of("/sys/bus/dax/devices", device.getFileName().toString(), "resource");
        if (!device.getFileName().toString().startsWith("dax") || !Files.isReadable(resource)) {
            return 0;
        }
        try {
            String text = Files.readString(resource).trim();
            return Long.parseUnsignedLong(text.startsWith("0x") ? text.substring(2) : text, 16);
        } catch (IOException | NumberFormatException e) {
            throw new AepException(Errno.EIO, "cannot read the physical base of " + device + " from " + resource
                    + ": " + e.getMessage());
        }
    }

    /**
     * Maps the range and, if asked, tests it.
     *
     * @return the lines to print; the last is {@code rw-test: PASS} when the test ran and passed
     * @throws AepException as {@link PhysicalWindow#map}; EINVAL for a physical address below the device's
     *                      base; EIO carrying {@code rw-test: FAIL at offset ...} when a word does not read back
     */
    static List<String> run(Options o, List<String> out) {
        long base = o.base() >= 0 ? o.base() : baseOf(o.device());
        if (o.phys() < base) {
            throw new AepException(Errno.EINVAL, "phys 0x" + Long.toHexString(o.phys()) + " lies below "
                    + o.device() + "'s base 0x" + Long.toHexString(base));
        }
        long offset = o.phys() - base;
        try (PhysicalWindow w = PhysicalWindow.map(o.device(), offset, o.size())) {
            out.add(String.format("cxl_map: device=%s phys=0x%x size=0x%x offset=0x%x -> addr=0x%x", o.device(),
                    o.phys(), o.size(), offset, w.address()));
            if (o.rwTest()) {
                MemorySegment seg = w.segment();
                out.add(String.format("rw-test: %d words, pattern 0x%016x and its complement", o.size() / 8,
                        o.pattern()));
                RwTest.Mismatch m = RwTest.run(words(seg), o.pattern());
                if (m != null) {
                    String fail = String.format("rw-test: FAIL at offset 0x%x (phys 0x%x): wrote 0x%016x, read 0x%016x",
                            m.offset(), o.phys() + m.offset(), m.wrote(), m.read());
                    out.add(fail);
                    throw new AepException(Errno.EIO, fail);
                }
                out.add("rw-test: PASS");
            }
        }
        return out;
    }

    /** Runs with fresh output. */
    static List<String> run(Options o) {
        return run(o, new ArrayList<>());
    }

    private static RwTest.Words words(MemorySegment seg) {
        return new RwTest.Words() {
            @Override
            public long size() {
                return seg.byteSize();
            }

            @Override
            public long get(long offset) {
                return seg.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
            }

            @Override
            public void set(long offset, long value) {
                seg.set(ValueLayout.JAVA_LONG_UNALIGNED, offset, value);
            }
        };
    }
}

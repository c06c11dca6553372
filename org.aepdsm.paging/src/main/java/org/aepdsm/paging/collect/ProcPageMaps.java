package org.aepdsm.paging.collect;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.paging.PageMap;

/**
 * Reads the page map of a live Linux process from {@code /proc/PID/maps} (the VMAs) and
 * {@code /proc/PID/pagemap} (one little-endian u64 per virtual page: bit 63 present, bits 0-54 the
 * frame number when present; swapped pages are not present).
 *
 * <p>The pagemap is read with positional reads of {@link #CHUNK_PAGES} entries at a time into one
 * direct buffer. A VMA's frame array grows only up to its last present page, so a large reservation
 * that is barely touched (a JVM heap, a sanitizer's shadow) costs reads but little memory. The kernel
 * zeroes frame numbers for readers without CAP_SYS_ADMIN; a map whose present pages all have frame 0
 * is refused as unreadable rather than analysed as nonsense.
 *
 * <p>Skipped: {@code [vsyscall]} and anything else above the user address space (pagemap does not
 * cover it). A VMA whose pagemap range cannot be read (the read fails or ends early) keeps its virtual
 * size, with the unread pages not present.
 *
 * <p>Stateless and thread-safe; each call owns its files and buffer.
 */
final class ProcPageMaps {
    /** Pagemap entries per positional read: 512 KiB of entries, 256 MiB of address space. */
    static final int CHUNK_PAGES = 64 * 1024;

    private static final int PAGE_SHIFT = 12;
    private static final long PRESENT = 1L << 63;
    private static final long PFN_MASK = (1L << 55) - 1;
    /** The end of the x86-64 user address space; [vsyscall] lies above it. */
    private static final long USER_LIMIT = 1L << 47;
    private static final int MAX_SLOTS = Integer.MAX_VALUE - 16;

    private final Path proc;

    /** Reads under {@code procRoot} (normally {@code /proc}). */
    ProcPageMaps(Path procRoot) {
        this.proc = procRoot;
    }

    PageMap read(long pid) {
        Path dir = proc.resolve(Long.toString(pid));
        if (pid <= 0 || !Files.isDirectory(dir)) {
            throw noProcess(pid);
        }
        List<long[]> ranges = readMaps(pid, dir.resolve("maps"));
        Path pagemap = dir.resolve("pagemap");
        List<PageMap.Vma> vmas = new ArrayList<>(ranges.size());
        long present = 0;
        boolean anyFrame = false;
        try (FileChannel ch = FileChannel.open(pagemap, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK_PAGES * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (long[] r : ranges) {
                PageMap.Vma vma = readVma(ch, buffer, r[0], r[1]);
                for (long pfn : vma.pfns()) {
                    if (pfn != PageMap.NOT_PRESENT) {
                        present++;
                        anyFrame |= pfn != 0;
                    }
                }
                vmas.add(vma);
            }
        } catch (NoSuchFileException e) {
            throw noProcess(pid);
        } catch (AccessDeniedException e) {
            throw needsRoot(pagemap, "it cannot be opened");
        } catch (IOException e) {
            if (!Files.isDirectory(dir)) {
                throw noProcess(pid);
            }
            throw new AepException(Errno.EIO, "cannot read " + pagemap + ": " + e.getMessage(), e);
        }
        if (present > 0 && !anyFrame) {
            throw needsRoot(pagemap, "it gives frame number 0 for all " + present + " present pages");
        }
        return new PageMap("pid " + pid, vmas);
    }

    /** The [start page, end page) of each user VMA, in file order (ascending). */
    private static List<long[]> readMaps(long pid, Path maps) {
        List<long[]> ranges = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(maps)) {
            String line;
            while ((line = in.readLine()) != null) {
                int dash = line.indexOf('-');
                int space = line.indexOf(' ');
                if (dash <= 0 || space <= dash) {
                    continue;
                }
                long start = Long.parseUnsignedLong(line, 0, dash, 16);
                long end = Long.parseUnsignedLong(line, dash + 1, space, 16);
                if (Long.compareUnsigned(start, USER_LIMIT) >= 0 || Long.compareUnsigned(end, USER_LIMIT) > 0
                        || end <= start) {
                    continue;
                }
                ranges.add(new long[] {start >>> PAGE_SHIFT, end >>> PAGE_SHIFT});
            }
        } catch (NoSuchFileException e) {
            throw noProcess(pid);
        } catch (AccessDeniedException e) {
            throw new AepException(Errno.EACCES, "cannot read " + maps + " of pid " + pid
                    + ": permission denied (reading another user's process needs root)", e);
        } catch (IOException | NumberFormatException e) {
            throw new AepException(Errno.EIO, "cannot read " + maps + " of pid " + pid + ": " + e.getMessage(), e);
        }
        return ranges;
    }

    /**
     * One VMA's frames; the array ends at the last present page. A failed or short read leaves the rest
     * of the VMA not present.
     */
    private static PageMap.Vma readVma(FileChannel ch, ByteBuffer buffer, long startVpn, long endVpn) {
        long pages = endVpn - startVpn;
        long slotsLimit = Math.min(pages, MAX_SLOTS);
        long[] pfns = new long[0];
        int used = 0;
        long done = 0;
        while (done < slotsLimit) {
            int want = (int) Math.min(CHUNK_PAGES, slotsLimit - done);
            int got = fill(ch, buffer, (startVpn + done) * Long.BYTES, want);
            for (int i = 0; i < got; i++) {
                long entry = buffer.getLong(i * Long.BYTES);
                if ((entry & PRESENT) == 0) {
                    continue;
                }
                int slot = (int) (done + i);
                if (slot >= pfns.length) {
                    int grown = (int) Math.min(slotsLimit, Math.max(slot + 1L, pfns.length * 2L));
                    int oldLength = pfns.length;
                    pfns = Arrays.copyOf(pfns, grown);
                    Arrays.fill(pfns, oldLength, grown, PageMap.NOT_PRESENT);
                }
                pfns[slot] = entry & PFN_MASK;
                used = slot + 1;
            }
            if (got < want) {
                break;
            }
            done += got;
        }
        return new PageMap.Vma(startVpn, used == pfns.length ? pfns : Arrays.copyOf(pfns, used), pages);
    }

    /** Reads up to {@code entries} pagemap entries at {@code position}; fewer at end of file or on error. */
    private static int fill(FileChannel ch, ByteBuffer buffer, long position, int entries) {
        buffer.clear().limit(entries * Long.BYTES);
        try {
            while (buffer.hasRemaining()) {
                int n = ch.read(buffer, position + buffer.position());
                if (n <= 0) {
                    break;
                }
            }
        } catch (ClosedChannelException e) {
            throw new AepException(Errno.EIO, "reading a pagemap was interrupted", e);
        } catch (IOException e) {
            // An unreadable range reads as not present; the VMA itself stays in the map.
        }
        return buffer.position() / Long.BYTES;
    }

    private static AepException noProcess(long pid) {
        return new AepException(Errno.ENOENT, "no process with pid " + pid);
    }

    private static AepException needsRoot(Path pagemap, String why) {
        return new AepException(Errno.EACCES, "cannot read frame numbers from " + pagemap + ": " + why
                + "; reading them needs root (CAP_SYS_ADMIN)");
    }
}

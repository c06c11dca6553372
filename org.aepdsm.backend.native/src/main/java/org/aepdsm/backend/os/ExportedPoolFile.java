package org.aepdsm.backend.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.FrameRun;
import org.aepdsm.api.memory.SubtreeExport;
import org.aepdsm.backend.os.ffm.MemoryFile;

/*
 * Which exported files an attach may open. A handle is text a person or another process passes in,
 * so it must not become a way to map arbitrary files read-write:
 *
 *   /proc/<pid>/fd/<n>   whose link names a memfd ("/memfd:...") or a file in the shm directory
 *   <shm directory>/<name>
 *
 * and its runs must be whole, aligned 2 MiB blocks (what a native set exports), checked against the
 * file's size when the borrowed pool is made.
 */
/**
 * Opens the memory file of a {@link SubtreeExport} after checking that it names pool memory. Stateless;
 * thread-safe.
 */
final class ExportedPoolFile {
    private static final Pattern PROC_FD = Pattern.compile("/proc/([0-9]{1,10})/fd/([0-9]{1,10})");
    private static final long BLOCK_FRAMES = 512;

    /**
     * An opened export.
     *
     * @param file   the descriptor, owned by the caller
     * @param lender the exporting process, or -1 for a shm file
     */
    record Opened(MemoryFile file, long lender) {
    }

    private ExportedPoolFile() {
    }

    static Opened open(SubtreeExport export, Path shmDirectory) {
        if (export == null) {
            throw new AepException(Errno.EINVAL, "export is null");
        }
        for (FrameRun r : export.runs()) {
            if (r.first() % BLOCK_FRAMES != 0 || r.count() % BLOCK_FRAMES != 0) {
                throw new AepException(Errno.EINVAL, "run " + r.first() + "+" + r.count() + " of " + export.file()
                        + " is not whole 2 MiB blocks (frames aligned to 512)");
            }
        }
        String name = export.file();
        Path path = Path.of(name);
        if (name.indexOf('\0') >= 0 || !path.isAbsolute() || !path.normalize().toString().equals(name)) {
            throw new AepException(Errno.EINVAL, "file '" + name + "' of the export is not a plain absolute path");
        }
        Matcher m = PROC_FD.matcher(name);
        long lender = -1;
        if (m.matches()) {
            lender = Long.parseLong(m.group(1));
            checkPoolMemory(name, link(path, "process " + lender + " exited or closed the descriptor"), shmDirectory);
        } else if (!inShm(path, shmDirectory)) {
            throw new AepException(Errno.EINVAL, "file " + name + " of the export is neither /proc/<pid>/fd/<n> nor a"
                    + " file in " + shmDirectory);
        }
        MemoryFile file = MemoryFile.reopen(path);
        try {
            // checked again on the descriptor now held: the other process may have reused its number
            checkPoolMemory(name, link(Path.of(file.processPath()), "the descriptor was closed"), shmDirectory);
        } catch (AepException e) {
            file.close();
            throw e;
        }
        return new Opened(file, lender);
    }

    private static String link(Path path, String gone) {
        try {
            return Files.readSymbolicLink(path).toString();
        } catch (IOException | UnsupportedOperationException e) {
            throw new AepException(Errno.ENOENT, "file " + path + " of the export cannot be read (" + e.getMessage()
                    + "): " + gone);
        }
    }

    private static void checkPoolMemory(String name, String target, Path shmDirectory) {
        if (!target.startsWith("/memfd:") && !inShm(Path.of(target.replace(" (deleted)", "")), shmDirectory)) {
            throw new AepException(Errno.EINVAL, "file " + name + " of the export is " + target
                    + ", not a memfd or a file in " + shmDirectory);
        }
    }

    private static boolean inShm(Path p, Path shm) {
        return p.getParent() != null && p.getParent().equals(shm.toAbsolutePath().normalize());
    }
}

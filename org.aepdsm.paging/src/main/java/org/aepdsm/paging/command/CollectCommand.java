package org.aepdsm.paging.command;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.api.paging.ContiguityAnalyzer;
import org.aepdsm.api.paging.PageMap;

/**
 * {@code paging:collect}: page-collect's report for a live process ({@code -p PID}) or for a simulated
 * address space of the active backend ({@code --space ID}), optionally written to a file
 * ({@code -o FILE}). Numbers are read as page-collect reads {@code -p}: decimal, {@code 0x} hex, or
 * octal with a leading {@code 0}.
 *
 * <p>Thread-safe if the analyzer is; the backend supplier is asked on every call, so a swapped backend
 * is used at once.
 */
public final class CollectCommand {
    private final ContiguityAnalyzer analyzer;
    private final Supplier<MemoryBackend> backend;

    /**
     * @param analyzer the statistics
     * @param backend  the active backend, or null when none is active
     */
    public CollectCommand(ContiguityAnalyzer analyzer, Supplier<MemoryBackend> backend) {
        this.analyzer = Objects.requireNonNull(analyzer, "analyzer");
        this.backend = Objects.requireNonNull(backend, "backend");
    }

    /**
     * The report text; with {@code out}, the report is also written to that file and a last line names it.
     *
     * @param pid   a process id, or empty
     * @param space an address space id of the active backend, or empty
     * @param out   a file to write the report to, or empty
     * @throws AepException {@code EINVAL} unless exactly one of pid and space is a number;
     *                      {@code ENOENT} for an unknown process or space or no active backend;
     *                      {@code EACCES}/{@code EIO} when the process or the file cannot be read or written
     */
    public String collect(String pid, String space, String out) {
        boolean byPid = pid != null && !pid.isBlank();
        boolean bySpace = space != null && !space.isBlank();
        if (byPid == bySpace) {
            throw new AepException(Errno.EINVAL, byPid
                    ? "give either -p " + pid.strip() + " or --space " + space.strip() + ", not both"
                    : "give -p <pid> or --space <id>");
        }
        PageMap map = byPid ? analyzer.readProcess(number("pid", pid)) : spaceMap(number("space id", space));
        String text = analyzer.format(analyzer.analyze(map));
        if (out == null || out.isBlank()) {
            return text;
        }
        Path file = Path.of(out.strip()).toAbsolutePath();
        try {
            Files.writeString(file, text);
        } catch (AccessDeniedException e) {
            throw new AepException(Errno.EACCES, "cannot write the report to " + file + ": permission denied", e);
        } catch (IOException e) {
            throw new AepException(Errno.EIO, "cannot write the report to " + file + ": " + e, e);
        }
        return text + "report written to " + file + "\n";
    }

    private PageMap spaceMap(long id) {
        MemoryBackend b = backend.get();
        if (b == null) {
            throw new AepException(Errno.ENOENT, "no active memory backend holds address space " + id);
        }
        AddressSpace space = b.addressSpace(id)
                .orElseThrow(() -> new AepException(Errno.ENOENT, "no address space " + id + " in backend " + b.id()));
        return space.pageMap();
    }

    private static long number(String what, String text) {
        try {
            return Long.decode(text.strip());
        } catch (NumberFormatException e) {
            throw new AepException(Errno.EINVAL, what + " '" + text.strip() + "' is not a number", e);
        }
    }
}

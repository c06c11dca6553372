package org.aepdsm.paging.collect;

import java.nio.file.Path;
import java.util.Objects;

import org.aepdsm.api.paging.ContiguityAnalyzer;
import org.aepdsm.api.paging.ContiguityReport;
import org.aepdsm.api.paging.PageMap;

/**
 * The contiguity statistics of page-collect (cslab-ntua/contiguity-isca2020) for page maps of
 * simulated address spaces and live processes: VMA, Virtual, Anchor, Range TLB and SpOT entry counts
 * and coverage, printed in page-collect's layout. The counting follows page-collect's definitions
 * without its counting slips; {@link ContiguityScan} lists the differences.
 *
 * <p>Stateless and thread-safe; reports and page maps it returns belong to the caller.
 */
public final class PageCollect implements ContiguityAnalyzer {
    private final ProcPageMaps proc;

    /** An analyzer reading processes from {@code /proc}. */
    public PageCollect() {
        this(Path.of("/proc"));
    }

    /** An analyzer reading processes from another proc root (tests). */
    PageCollect(Path procRoot) {
        this.proc = new ProcPageMaps(procRoot);
    }

    /**
     * @throws org.aepdsm.api.AepException {@code EINVAL} for VMAs that overlap, do not ascend or leave the
     *                                     address space, or a frame number below {@code NOT_PRESENT}
     */
    @Override
    public ContiguityReport analyze(PageMap map) {
        Objects.requireNonNull(map, "map");
        return new ContiguityScan(map).report();
    }

    @Override
    public PageMap readProcess(long pid) {
        return proc.read(pid);
    }

    @Override
    public String format(ContiguityReport report) {
        return ReportText.format(report);
    }
}

package org.aepdsm.api.paging;

import org.aepdsm.api.AepException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Computes contiguity statistics, page-collect style, and reads page maps of real
 * processes. Stateless and thread-safe.
 */
@ProviderType
public interface ContiguityAnalyzer {
    /** The statistics of a page map. */
    ContiguityReport analyze(PageMap map);

    /**
     * Reads a live process's page map from {@code /proc/PID/maps} and {@code /proc/PID/pagemap}.
     *
     * @throws AepException {@code ENOENT} for no such process, {@code EACCES} when frame numbers cannot be
     *                      read (not root), naming the file
     */
    PageMap readProcess(long pid);

    /** The report as text in page-collect's layout. */
    String format(ContiguityReport report);
}

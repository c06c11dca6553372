package org.aepdsm.api.paging;

import java.util.List;

/**
 * Contiguity statistics of one page map. Immutable.
 *
 * @param source         what was analysed
 * @param presentPages   present 4 KiB pages (a 2 MiB page counts as 512)
 * @param anchorDistance the anchor distance in pages chosen for {@link MappingKind#ANCHOR} (a power of two)
 * @param kinds          one report per mapping kind, in {@link MappingKind} order
 * @param basePages      present pages outside {@code hugePages}, each needing a 4 KiB translation
 * @param hugePages      2 MiB blocks (virtually and physically 2 MiB aligned, 512 pages in one run) that a
 *                       2 MiB page maps or could map
 */
public record ContiguityReport(String source, long presentPages, long anchorDistance, List<KindReport> kinds,
        long basePages, long hugePages) {
    public ContiguityReport {
        kinds = List.copyOf(kinds);
    }

    /** A report that counts every present page as a 4 KiB page. */
    public ContiguityReport(String source, long presentPages, long anchorDistance, List<KindReport> kinds) {
        this(source, presentPages, anchorDistance, kinds, presentPages, 0);
    }

    /** The report of one kind. */
    public KindReport of(MappingKind kind) {
        return kinds.stream().filter(k -> k.kind() == kind).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no " + kind + " in report of " + source));
    }
}

package org.aepdsm.api.paging;

import java.util.List;

/**
 * Contiguity statistics of one page map. Immutable.
 *
 * @param source         what was analysed
 * @param presentPages   present 4 KiB pages
 * @param anchorDistance the anchor distance in pages chosen for {@link MappingKind#ANCHOR}
 * @param kinds          one report per mapping kind, in {@link MappingKind} order
 */
public record ContiguityReport(String source, long presentPages, long anchorDistance, List<KindReport> kinds) {
    public ContiguityReport {
        kinds = List.copyOf(kinds);
    }

    /** The report of one kind. */
    public KindReport of(MappingKind kind) {
        return kinds.stream().filter(k -> k.kind() == kind).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no " + kind + " in report of " + source));
    }
}

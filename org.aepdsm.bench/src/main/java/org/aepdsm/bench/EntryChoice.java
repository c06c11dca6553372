package org.aepdsm.bench;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.entry.ShadowEntry;

/**
 * Which registered shadow entry a benchmark calls: {@code --direct} takes the entry registered with
 * {@code aepdsm.direct=true} (or one whose {@code direct()} is true) and ignores {@code --entry}, as the originals'
 * DIRECT_LINK build does; {@code --entry=ADDR} takes the entry whose {@code aepdsm.entry} property or
 * {@code address()} is ADDR; otherwise the first entry that is not direct.
 *
 * <p>Stateless; thread-safe.
 */
public final class EntryChoice {
    /** The service property marking the direct-link entry. */
    public static final String DIRECT_PROPERTY = "aepdsm.direct";

    /** Why {@code --direct} found nothing, and how to get a direct-link entry. */
    static final String NO_DIRECT = "no direct entry available: where the backend enforces the isolation in "
            + "hardware (protection keys) the allocator has none beside its gated entry; configure "
            + "org.aepdsm.allocator with direct=true for a direct-link pool";

    private EntryChoice() {
    }

    /**
     * A registered entry with its service properties.
     *
     * @param entry      the entry
     * @param properties its service properties
     */
    public record Candidate(ShadowEntry entry, Map<String, Object> properties) {
        public Candidate {
            properties = Map.copyOf(properties);
        }

        boolean isDirect() {
            Object p = properties.get(DIRECT_PROPERTY);
            return Boolean.TRUE.equals(p) || "true".equalsIgnoreCase(String.valueOf(p)) || entry.direct();
        }

        long address() {
            Object p = properties.get(ShadowEntry.ENTRY_PROPERTY);
            if (p instanceof Number n) {
                return n.longValue();
            }
            if (p instanceof String s) {
                try {
                    return CArgs.strtoul(s, "entry");
                } catch (AepException e) {
                    return entry.address();
                }
            }
            return entry.address();
        }
    }

    /**
     * Picks the entry.
     *
     * @throws AepException ENOENT naming what was asked for when no entry fits
     */
    public static ShadowEntry select(List<Candidate> candidates, boolean direct, OptionalLong address) {
        if (direct) {
            return candidates.stream().filter(Candidate::isDirect).findFirst().map(Candidate::entry)
                    .orElseThrow(() -> new AepException(Errno.ENOENT, NO_DIRECT));
        }
        if (address.isPresent()) {
            long a = address.getAsLong();
            return candidates.stream().filter(c -> !c.isDirect() && (c.address() == a || c.entry().address() == a))
                    .findFirst().map(Candidate::entry)
                    .orElseThrow(() -> new AepException(Errno.ENOENT, "no shadow entry at 0x" + Long.toHexString(a)
                            + " (available: " + list(candidates) + ")"));
        }
        return candidates.stream().filter(c -> !c.isDirect()).findFirst().map(Candidate::entry)
                .orElseThrow(() -> new AepException(Errno.ENOENT,
                        "no shadow entry available (available: " + list(candidates) + ")"
                                + (candidates.isEmpty() ? "" : "; a direct entry needs --direct")));
    }

    private static String list(List<Candidate> candidates) {
        if (candidates.isEmpty()) {
            return "none; is the org.aepdsm.allocator bundle active?";
        }
        return candidates.stream()
                .map(c -> "0x" + Long.toHexString(c.address()) + (c.isDirect() ? " (direct)" : ""))
                .collect(Collectors.joining(", "));
    }
}

package org.aepdsm.paging.command;

import java.util.Objects;
import java.util.function.Supplier;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.api.paging.ContiguityAnalyzer;
import org.aepdsm.api.paging.PlacementPolicy;
import org.aepdsm.paging.compare.ComparisonText;
import org.aepdsm.paging.compare.PlacementComparison;
import org.aepdsm.paging.compare.Workload;

/**
 * {@code paging:ca} (contiguity-aware placement on or off for a simulated address space) and
 * {@code paging:compare} (a workload under the buddy allocator and under contiguity-aware placement,
 * side by side). Both need the simulated backend to be the active one.
 *
 * <p>Thread-safe if the analyzer is; the backend supplier is asked on every call.
 */
public final class PlacementCommands {
    /** The seed {@code paging:compare} uses unless told otherwise. */
    public static final long DEFAULT_SEED = 42;

    private final PlacementComparison comparison;
    private final Supplier<MemoryBackend> backend;

    /**
     * @param analyzer the statistics
     * @param backend  the active backend, or null when none is active
     */
    public PlacementCommands(ContiguityAnalyzer analyzer, Supplier<MemoryBackend> backend) {
        this.comparison = new PlacementComparison(analyzer);
        this.backend = Objects.requireNonNull(backend, "backend");
    }

    /**
     * Turns contiguity-aware placement on or off for later demand faults of an address space.
     *
     * @return a line naming the space and its policy now
     * @throws AepException {@code EINVAL} for a switch other than on/off or a space id that is not a number;
     *                      {@code ENOENT} for no active backend or an unknown space; {@code EOPNOTSUPP}
     *                      when the active backend is not {@code sim}
     */
    public String ca(String onOff, String space) {
        String s = onOff == null ? "" : onOff.strip();
        PlacementPolicy policy = switch (s) {
            case "on" -> PlacementPolicy.CONTIGUITY_AWARE;
            case "off" -> PlacementPolicy.BUDDY;
            default -> throw new AepException(Errno.EINVAL, "'" + s + "' is neither on nor off");
        };
        if (space == null || space.isBlank()) {
            throw new AepException(Errno.EINVAL, "give --space <id>");
        }
        long id = number("space id", space);
        MemoryBackend b = simBackend("paging:ca");
        AddressSpace as = b.addressSpace(id)
                .orElseThrow(() -> new AepException(Errno.ENOENT, "no address space " + id + " in backend " + b.id()));
        as.setPlacementPolicy(policy);
        return "address space " + id + ": placement " + as.placementPolicy();
    }

    /**
     * Runs a workload under both policies on node 0 of the active backend and prints the comparison.
     *
     * @throws AepException {@code EINVAL} for an unknown workload or a seed that is not a number;
     *                      {@code ENOENT} for no active backend; {@code EOPNOTSUPP} when it is not {@code sim};
     *                      {@code ENOMEM} when the pool cannot hold the workload
     */
    public String compare(String workload, String seed) {
        String name = workload == null ? "" : workload.strip();
        Workload w = Workload.named(name).orElseThrow(() -> new AepException(Errno.EINVAL, "workload '" + name
                + "' is unknown; known: " + String.join(", ", Workload.names())));
        long s = seed == null || seed.isBlank() ? DEFAULT_SEED : number("seed", seed);
        MemoryBackend b = simBackend("paging:compare");
        return ComparisonText.format(comparison.compare(b, w, s));
    }

    private MemoryBackend simBackend(String command) {
        MemoryBackend b = backend.get();
        if (b == null) {
            throw new AepException(Errno.ENOENT, "no active memory backend; " + command + " needs the sim backend");
        }
        if (!"sim".equals(b.id())) {
            throw new AepException(Errno.EOPNOTSUPP, command + " needs the sim backend; the active backend is "
                    + b.id());
        }
        return b;
    }

    private static long number(String what, String text) {
        try {
            return Long.decode(text.strip());
        } catch (NumberFormatException e) {
            throw new AepException(Errno.EINVAL, what + " '" + text.strip() + "' is not a number", e);
        }
    }
}

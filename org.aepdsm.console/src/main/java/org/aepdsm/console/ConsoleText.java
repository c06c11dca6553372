package org.aepdsm.console;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.BackendInfo;
import org.aepdsm.api.memory.Capability;
import org.aepdsm.api.memory.FramePool;
import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.api.memory.PageSize;

/**
 * Renders backends and their state as text for people. Stateless.
 */
final class ConsoleText {
    private ConsoleText() {
    }

    /** The {@code aep:backends} table. */
    static String backends(List<BackendStatus> backends, String selected) {
        if (backends.isEmpty()) {
            return "no backend bundle is running (selected: " + selected + ")";
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-3s %-8s %-9s %-10s %s%n", "", "ID", "STATE", "ISOLATION", "CAPABILITIES"));
        for (BackendStatus b : backends) {
            BackendInfo info = b.info();
            String caps = info == null ? "?" : info.capabilities().stream().sorted().map(ConsoleText::capName)
                    .collect(Collectors.joining(","));
            sb.append(String.format("%-3s %-8s %-9s %-10s %s%n", b.active() ? "*" : "", b.id(),
                    b.active() ? "active" : "standby", info == null ? "?" : info.isolation().name().toLowerCase(),
                    caps));
        }
        for (BackendStatus b : backends) {
            if (b.info() != null) {
                sb.append(String.format("%s: %s%n", b.id(), b.info().description()));
            }
        }
        sb.append("selected: ").append(selected);
        if (backends.stream().noneMatch(b -> b.id().equals(selected))) {
            sb.append(" (not running; another backend stands in)");
        }
        return sb.toString();
    }

    private static String capName(Capability c) {
        return c.name().toLowerCase().replace('_', '-');
    }

    /** The {@code aep:status} text. */
    static String status(MemoryBackend active, String selected) {
        if (active == null) {
            return "no active backend (selected: " + selected + ")";
        }
        BackendInfo info = active.info();
        StringBuilder sb = new StringBuilder();
        sb.append("active backend: ").append(info.id()).append(" (").append(info.description()).append(")\n");
        sb.append("selected: ").append(selected).append('\n');
        sb.append("isolation: ").append(info.isolation().name().toLowerCase()).append('\n');
        for (Map.Entry<String, String> d : info.details().entrySet()) {
            sb.append(d.getKey()).append(": ").append(d.getValue()).append('\n');
        }
        int nodes = active.nodeCount();
        for (int n = 0; n < nodes; n++) {
            FramePool pool = active.framePool(n);
            long total = pool.frameCount();
            long free = pool.freeFrames();
            sb.append(String.format("node %d %-24s %,d frames (%s), %,d free, %,d in use%n", n, pool.name(), total,
                    bytes(total * PageSize.FRAME_BYTES), free, total - free));
        }
        List<AddressSpace> spaces = active.addressSpaces();
        sb.append("address spaces: ").append(spaces.size());
        return sb.toString();
    }

    /** Bytes as KiB, MiB or GiB. */
    static String bytes(long n) {
        if (n >= 1L << 30 && n % (1L << 30) == 0) {
            return (n >> 30) + " GiB";
        }
        if (n >= 1L << 20) {
            return (n >> 20) + " MiB";
        }
        return (n >> 10) + " KiB";
    }
}

package org.aepdsm.morsel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.function.Supplier;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.Capability;
import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.api.memory.Protection;
import org.aepdsm.api.memory.SubtreeExport;
import org.aepdsm.api.morsel.MappingCost;
import org.aepdsm.api.morsel.Morsel;
import org.aepdsm.api.morsel.MorselService;
import org.aepdsm.api.morsel.SecondaryView;
import org.aepdsm.api.morsel.TranslationFormat;

/**
 * The text behind the {@code morsel:} commands, over the morsel service and the active backend.
 * Every command returns what a person reads; refusals throw {@link AepException} with a message that
 * names the bad value. A plain object, used by {@link MorselCommands} and by tests without a framework.
 *
 * <p>Thread-safety: as the services it calls (all thread-safe).
 */
public final class MorselConsole {
    /** Default size of a space made with {@code morsel:space}. */
    static final long DEFAULT_SPACE_BYTES = 16L << 30;

    private final Supplier<MorselService> morsels;
    private final Supplier<MemoryBackend> backend;

    /**
     * @param morsels the morsel service (may supply null when none is bound)
     * @param backend the active backend (may supply null when none is active)
     */
    public MorselConsole(Supplier<MorselService> morsels, Supplier<MemoryBackend> backend) {
        this.morsels = morsels;
        this.backend = backend;
    }

    /** morsel:create. */
    public String create(String size, int node) {
        long bytes = ByteSize.parse(size);
        Morsel m = service().create(node, bytes);
        return "morsel " + m.id() + ": " + ByteSize.format(m.size()) + " on node " + node + " (" + subtrees(m.size())
                + ")";
    }

    /** morsel:map. */
    public String map(String id, String space, String address, String protection) {
        Morsel m = morsel(id);
        AddressSpace s = space(space);
        long a = ByteSize.parseAddress(address);
        MappingCost c = m.map(s, a, protection(protection));
        return "morsel " + m.id() + " mapped in address space " + s.id() + " at 0x" + Long.toHexString(a) + ": "
                + cost(c);
    }

    /** morsel:unmap. */
    public String unmap(String id, String space) {
        Morsel m = morsel(id);
        AddressSpace s = space(space);
        MappingCost c = m.unmap(s);
        return "morsel " + m.id() + " unmapped from address space " + s.id() + ": " + cost(c);
    }

    /** morsel:transfer. */
    public String transfer(String id, String from, String to, String address) {
        Morsel m = morsel(id);
        AddressSpace f = space(from);
        AddressSpace t = space(to);
        long a = address.isEmpty() ? alignUp(t.base(), m.size() >= 1L << 30 ? 1L << 30 : 2L << 20)
                : ByteSize.parseAddress(address);
        MappingCost c = m.transfer(f, t, a);
        return "morsel " + m.id() + " moved from address space " + f.id() + " to " + t.id() + " at 0x"
                + Long.toHexString(a) + ": " + cost(c);
    }

    /** morsel:resize. */
    public String resize(String id, String size) {
        Morsel m = morsel(id);
        m.resize(ByteSize.parse(size));
        return "morsel " + m.id() + ": " + ByteSize.format(m.size());
    }

    /** morsel:destroy. */
    public String destroy(String id) {
        Morsel m = morsel(id);
        m.destroy();
        return "morsel " + m.id() + " destroyed";
    }

    /** morsel:export: pins the morsel and prints the handle another process passes to morsel:import. */
    public String export(String id) {
        Morsel m = morsel(id);
        SubtreeExport e = m.export();
        return "morsel " + m.id() + " exported (" + ByteSize.format(e.size()) + ", " + e.runs().size()
                + (e.runs().size() == 1 ? " run" : " runs") + "; destroy and resize wait for morsel:unexport): "
                + e.handle();
    }

    /** morsel:unexport. */
    public String unexport(String id) {
        Morsel m = morsel(id);
        m.unexport();
        return "morsel " + m.id() + " is no longer exported";
    }

    /**
     * morsel:import: attaches another process's exported morsel and maps it at {@code address} of
     * {@code space}; if the map is refused the attach is undone.
     */
    public String importMorsel(String handle, String space, String address, String protection) {
        SubtreeExport e = SubtreeExport.parse(handle);
        AddressSpace s = space(space);
        long a = ByteSize.parseAddress(address);
        Protection p = protection(protection);
        Morsel m = service().attach(e);
        MappingCost c;
        try {
            c = m.map(s, a, p);
        } catch (AepException refused) {
            m.destroy();
            throw refused;
        }
        return "morsel " + m.id() + " (" + ByteSize.format(m.size()) + " of process " + m.ownerProcess()
                + ") mapped in address space " + s.id() + " at 0x" + Long.toHexString(a) + ": " + cost(c);
    }

    /** morsel:view: the secondary view's counters and the entries of the first pages, built on lookup. */
    public String view(String id, String format, int pages) {
        Morsel m = morsel(id);
        TranslationFormat f;
        try {
            f = TranslationFormat.valueOf(format.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new AepException(Errno.EINVAL, "format '" + format + "' is not one of ept, amd64");
        }
        SecondaryView v = m.secondaryView(f);
        StringBuilder b = new StringBuilder();
        long n = Math.min(Math.max(pages, 0), m.size() / 4096);
        for (long p = 0; p < n; p++) {
            OptionalLong e = v.entry(p * 4096);
            b.append(String.format(Locale.ROOT, "  offset 0x%-8x %s%n", p * 4096,
                    e.isPresent() ? describeEpt(e.getAsLong()) : "not present in the leader"));
        }
        return "morsel " + m.id() + " " + f + " view: " + ByteSize.format(m.size()) + ", entries built "
                + v.entriesBuilt() + ", present " + v.entriesPresent() + ", invalidated " + v.invalidations()
                + " (built lazily from the AMD64 leader on first lookup)\n" + b;
    }

    /** morsel:list. */
    public String list() {
        List<Morsel> all = service().list();
        if (all.isEmpty()) {
            return "no morsels";
        }
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-4s %-12s %-28s %s%n", "id", "size",
                "subtrees", "mapped in address spaces"));
        for (Morsel m : all) {
            List<Long> in;
            long size;
            try {
                size = m.size();
                in = m.mappedIn();
            } catch (AepException e) {
                continue;
            }
            String origin = !(m instanceof ObjectMorsel o) ? ""
                    : o.attached() ? " (attached from process " + m.ownerProcess() + ")"
                    : o.exported() ? " (exported)" : "";
            b.append(String.format(Locale.ROOT, "%-4d %-12s %-28s %s%s%n", m.id(), ByteSize.format(size),
                    subtrees(size), in.isEmpty() ? "-" : in.toString(), origin));
        }
        return b.toString().stripTrailing();
    }

    /** morsel:space: creates an address space, or closes one with {@code close <id>}. */
    public String space(List<String> args) {
        MemoryBackend be = backend();
        if (!args.isEmpty() && args.get(0).equals("close")) {
            if (args.size() != 2) {
                throw new AepException(Errno.EINVAL, "usage: morsel:space close <id>");
            }
            AddressSpace s = space(args.get(1));
            s.close();
            return "address space " + s.id() + " closed";
        }
        if (args.size() > 1) {
            throw new AepException(Errno.EINVAL, "usage: morsel:space [size] | morsel:space close <id>");
        }
        long size = args.isEmpty() ? DEFAULT_SPACE_BYTES : ByteSize.parse(args.get(0));
        AddressSpace s = be.createAddressSpace(0, size);
        return "address space " + s.id() + ": 0x" + Long.toHexString(s.base()) + "-0x" + Long.toHexString(s.limit())
                + " (" + ByteSize.format(s.limit() - s.base()) + ") on node " + s.node() + " of backend " + be.id();
    }

    /** morsel:eval. */
    public String eval(String largest, String out, java.util.function.Consumer<String> progress) {
        MemoryBackend be = backend();
        long max = ByteSize.parse(largest);
        MorselEvaluation e = new MorselEvaluation(be, 0, progress);
        List<MorselEvaluation.Row> rows = e.run(MorselEvaluation.defaultSizes(max));
        String table = EvalReport.table(be.id(), rows);
        Path png = EvalReport.chart(be.id(), rows, Path.of(out));
        String cross = "";
        if (be.info().has(Capability.MULTI_PROCESS)) {
            List<CrossProcessEvaluation.Row> crossRows = new CrossProcessEvaluation(be, 0)
                    .runHere(CrossProcessEvaluation.defaultSizes(max));
            cross = CrossProcessEvaluation.table(be.id(), "exported and attached in this process through its "
                    + "/proc/self/fd descriptor, the system calls another process makes", crossRows);
        }
        return table + cross + "chart: " + png.toAbsolutePath();
    }

    private static String subtrees(long size) {
        long g = size >> 30;
        long m = (size & ((1L << 30) - 1)) >> 21;
        List<String> parts = new ArrayList<>();
        if (g > 0) {
            parts.add(g + " x 1 GiB");
        }
        if (m > 0) {
            parts.add(m + " x 2 MiB");
        }
        return String.join(" + ", parts) + " subtrees";
    }

    private static String cost(MappingCost c) {
        return c.entriesWritten() + " page-table entries written, " + c.pageTablePages()
                + " page-table pages allocated, " + EvalReport.time(c.nanos());
    }

    /** An EPT entry's fields. */
    static String describeEpt(long e) {
        return String.format(Locale.ROOT, "ept 0x%016x %s%s%s type %s%s%s%s pfn 0x%x", e,
                (e & EptFormat.EPT_READ) != 0 ? "R" : "-", (e & EptFormat.EPT_WRITE) != 0 ? "W" : "-",
                (e & EptFormat.EPT_EXECUTE) != 0 ? "X" : "-",
                EptFormat.memoryType(e) == EptFormat.MEMORY_TYPE_WB ? "WB" : "UC",
                (e & EptFormat.EPT_IGNORE_PAT) != 0 ? " ipat" : "", (e & EptFormat.EPT_ACCESSED) != 0 ? " A" : "",
                (e & EptFormat.EPT_DIRTY) != 0 ? " D" : "", (e & 0x000F_FFFF_FFFF_F000L) >>> 12);
    }

    private static Protection protection(String text) {
        if (text == null || text.isEmpty()) {
            return Protection.READ_WRITE;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "r", "read" -> Protection.READ;
            case "rw", "read_write" -> Protection.READ_WRITE;
            case "rx", "read_exec" -> Protection.READ_EXEC;
            case "rwx", "read_write_exec" -> Protection.READ_WRITE_EXEC;
            default -> throw new AepException(Errno.EINVAL, "protection '" + text + "' is not one of r, rw, rx, rwx");
        };
    }

    private Morsel morsel(String id) {
        long n = ByteSize.parseId("morsel id", id);
        return service().find(n).orElseThrow(() -> new AepException(Errno.ENOENT, "morsel " + n + " does not exist"));
    }

    private AddressSpace space(String id) {
        long n = ByteSize.parseId("address space id", id);
        return backend().addressSpace(n).orElseThrow(() -> new AepException(Errno.ENOENT, "address space " + n
                + " does not exist (never created, or closed)"));
    }

    private MorselService service() {
        MorselService s = morsels.get();
        if (s == null) {
            throw new AepException(Errno.ESTALE, "the morsel service is not available");
        }
        return s;
    }

    private MemoryBackend backend() {
        MemoryBackend b = backend.get();
        if (b == null) {
            throw new AepException(Errno.ESTALE, "no memory backend is active");
        }
        return b;
    }

    private static long alignUp(long v, long a) {
        return (v + a - 1) & -a;
    }
}

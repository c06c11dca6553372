package org.aepdsm.morsel;

import java.util.List;

import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.api.morsel.MorselService;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The Gogo commands of scope {@code morsel}: a thin shell over {@link MorselConsole}. Thread-safe.
 */
@Component(service = MorselCommands.class, property = {"osgi.command.scope=morsel", "osgi.command.function=create",
        "osgi.command.function=map", "osgi.command.function=unmap", "osgi.command.function=transfer",
        "osgi.command.function=resize", "osgi.command.function=destroy", "osgi.command.function=view",
        "osgi.command.function=list", "osgi.command.function=space", "osgi.command.function=eval",
        "osgi.command.function=export", "osgi.command.function=unexport", "osgi.command.function=import"})
public final class MorselCommands {
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(aepdsm.active=true)")
    private volatile MemoryBackend backend;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile MorselService morsels;

    private final MorselConsole console = new MorselConsole(() -> morsels, () -> backend);

    @Descriptor("creates a morsel: an object of frames whose translations are page-table subtrees")
    public String create(
            @Descriptor("node whose memory holds it") @Parameter(names = {"-n", "--node"}, absentValue = "0") int node,
            @Descriptor("size, a multiple of 2 MiB, such as 64M or 1G") String size) {
        return console.create(size, node);
    }

    @Descriptor("maps a morsel into an address space by linking its subtrees (one entry per 2 MiB / 1 GiB)")
    public String map(
            @Descriptor("rights: r, rw, rx or rwx") @Parameter(names = {"-p", "--protection"}, absentValue = "rw")
            String protection,
            @Descriptor("morsel id") String id,
            @Descriptor("address space id (morsel:space creates one)") String space,
            @Descriptor("address, 0x hexadecimal, aligned to 2 MiB (1 GiB for morsels of 1 GiB or more)")
            String address) {
        return console.map(id, space, address, protection);
    }

    @Descriptor("unmaps a morsel from an address space")
    public String unmap(@Descriptor("morsel id") String id, @Descriptor("address space id") String space) {
        return console.unmap(id, space);
    }

    @Descriptor("moves a morsel from one address space to another: link there, unlink here")
    public String transfer(
            @Descriptor("address in the destination (default: its first aligned address)")
            @Parameter(names = {"-a", "--address"}, absentValue = "") String address,
            @Descriptor("morsel id") String id,
            @Descriptor("source address space id") String from,
            @Descriptor("destination address space id") String to) {
        return console.transfer(id, from, to, address);
    }

    @Descriptor("changes a morsel's size (it must be unmapped everywhere)")
    public String resize(@Descriptor("morsel id") String id, @Descriptor("new size, such as 128M") String size) {
        return console.resize(id, size);
    }

    @Descriptor("frees a morsel's frames and subtrees (it must be unmapped everywhere)")
    public String destroy(@Descriptor("morsel id") String id) {
        return console.destroy(id);
    }

    @Descriptor("shows a morsel's secondary translation view, filled lazily from the AMD64 leader")
    public String view(
            @Descriptor("pages to look up from offset 0") @Parameter(names = {"-c", "--count"}, absentValue = "4")
            int count,
            @Descriptor("morsel id") String id,
            @Descriptor("format: ept") String format) {
        return console.view(id, format, count);
    }

    @Descriptor("lets other processes map a morsel: prints a handle for morsel:import and pins the morsel")
    public String export(@Descriptor("morsel id") String id) {
        return console.export(id);
    }

    @Descriptor("ends a morsel's export pin (no other process may still map it)")
    public String unexport(@Descriptor("morsel id") String id) {
        return console.unexport(id);
    }

    /** morsel:import ({@code import} is a Java keyword; Gogo finds a leading underscore). */
    @Descriptor("maps a morsel another process exported: one mmap of its pool range per run")
    public String _import(
            @Descriptor("rights: r, rw, rx or rwx") @Parameter(names = {"-p", "--protection"}, absentValue = "rw")
            String protection,
            @Descriptor("handle printed by morsel:export in the other process") String handle,
            @Descriptor("address space id (morsel:space creates one)") String space,
            @Descriptor("address, 0x hexadecimal, aligned to 2 MiB (1 GiB for morsels of 1 GiB or more)")
            String address) {
        return console.importMorsel(handle, space, address, protection);
    }

    @Descriptor("lists the morsels of the active backend")
    public String list() {
        return console.list();
    }

    @Descriptor("creates an address space to map morsels into ([size], default 16G), or closes one (close <id>)")
    public String space(@Descriptor("[size] | close <id>") String... args) {
        return console.space(List.of(args));
    }

    @Descriptor("compares morsels with page-by-page mapping from 2 MiB up, with the paper's 6.82 GiB case; "
            + "prints a table and writes a PNG chart")
    public String eval(
            @Descriptor("largest object size") @Parameter(names = {"-m", "--max"}, absentValue = "8G") String max,
            @Descriptor("PNG file for the chart") @Parameter(names = {"-o", "--out"}, absentValue = "morsel-eval.png")
            String out) {
        // Gogo's one-shot runner captures System.out into the session itself, so progress lines are not
        // printed while the command runs; the returned table is the result.
        return console.eval(max, out, line -> { });
    }
}

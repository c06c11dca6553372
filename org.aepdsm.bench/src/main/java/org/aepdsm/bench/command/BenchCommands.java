package org.aepdsm.bench.command;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.bench.BenchRunner;
import org.aepdsm.bench.EntryChoice;
import org.aepdsm.bench.PeerLauncher;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The Gogo command {@code aep:bench}. Tracks every registered {@link ShadowEntry} with its properties (dynamic,
 * greedy, any number: {@code --entry=} and {@code --direct} choose among them) and delegates to
 * {@link BenchCommand}. Thread-safe.
 */
@Component(service = BenchCommands.class, configurationPid = "org.aepdsm.bench",
        property = {"osgi.command.scope=aep", "osgi.command.function=bench"})
@Designate(ocd = BenchConfig.class)
public final class BenchCommands {
    private final List<EntryChoice.Candidate> entries = new CopyOnWriteArrayList<>();
    private volatile BenchCommand command;
    private volatile BenchRunner runner;
    private final SelectedBackend backends = new SelectedBackend(() -> this.configAdmin, () -> this.runner);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConfigurationAdmin configAdmin;

    @Activate
    @Modified
    void configure(BenchConfig config) {
        Path cache = config.peerCache().isBlank()
                ? Path.of(System.getProperty("java.io.tmpdir"), "aepdsm-bench-peers")
                : Path.of(config.peerCache());
        PeerLauncher launcher = new PeerLauncher(cache, List.of("-Xmx" + config.peerHeap()),
                config.peerTimeoutSeconds());
        runner = new BenchRunner(() -> List.copyOf(entries), launcher, Path.of(config.outputDir()),
                config.progressSeconds() * 1000);
        command = new BenchCommand(runner, backends);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, updated = "updatedBackend")
    void addBackend(MemoryBackend backend, Map<String, Object> properties) {
        backends.seen(idOf(backend, properties), Boolean.parseBoolean(String.valueOf(
                properties.get("aepdsm.active"))));
    }

    void updatedBackend(MemoryBackend backend, Map<String, Object> properties) {
        addBackend(backend, properties);
    }

    void removeBackend(MemoryBackend backend, Map<String, Object> properties) {
        backends.gone(idOf(backend, properties));
    }

    private static String idOf(MemoryBackend backend, Map<String, Object> properties) {
        Object id = properties.get(MemoryBackend.ID_PROPERTY);
        return id != null ? id.toString() : backend.id();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addEntry(ShadowEntry entry, Map<String, Object> properties) {
        entries.add(new EntryChoice.Candidate(entry, properties));
    }

    void removeEntry(ShadowEntry entry) {
        entries.removeIf(c -> c.entry() == entry);
    }

    /** Runs a benchmark or the suite. */
    @Descriptor("run an AEP-DSM benchmark with the original program's arguments (threadtest, kv, transfer_bench, "
            + "serverless_chain, pagerank), or 'suite' for all five with the seed's arguments and a summary; "
            + "writes results JSON and a PNG chart")
    public String bench(
            @Descriptor("benchmark name or 'suite', then its arguments, e.g. threadtest 16 1000 100000 0 8; options "
                    + "--entry=0xADDR --skip-init --direct --peers|--no-peers --rounds=N (medians of N rounds) --out=DIR; "
                    + "transfer_bench --processes 2 "
                    + "(native); suite --backends=sim,native")
            Object... words) {
        return command.bench(System.out, words);
    }
}

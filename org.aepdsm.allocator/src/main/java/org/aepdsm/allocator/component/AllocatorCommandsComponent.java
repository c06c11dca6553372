package org.aepdsm.allocator.component;

import java.io.IOException;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.aepdsm.allocator.AepCommands;
import org.aepdsm.allocator.PoolShadowEntry;
import org.aepdsm.allocator.PoolState;
import org.aepdsm.allocator.ProcessGroup;
import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.api.memory.MemoryBackend;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The {@code aep:} Gogo commands of the allocator; each delegates to {@link AepCommands},
 * {@link ProcessGroup} or the allocator's configuration. A command that needs the
 * entry waits, within a bound, for the entry over the active backend (it is rebuilt
 * after {@code aep:use} or {@code aep:pool}).
 *
 * <p>Thread-safety: references are volatile; commands follow the entry's rules.
 */
@Component(service = AllocatorCommandsComponent.class, property = {"osgi.command.scope=aep",
    "osgi.command.function=alloc", "osgi.command.function=free", "osgi.command.function=link",
    "osgi.command.function=unlink", "osgi.command.function=send", "osgi.command.function=recv",
    "osgi.command.function=stats", "osgi.command.function=bitmap", "osgi.command.function=fsck",
    "osgi.command.function=recover", "osgi.command.function=sweep", "osgi.command.function=pool",
    "osgi.command.function=clients", "osgi.command.function=gatecost"})
public final class AllocatorCommandsComponent {
    private static final String PID = "org.aepdsm.allocator";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ACTIVE = "(aepdsm.active=true)";

    private record Bound(PoolShadowEntry entry, String backend, String pool) {
    }

    private volatile Bound entry;
    private volatile BundleContext context;
    private final AepCommands commands = new AepCommands(this::awaitEntry);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConfigurationAdmin configAdmin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile PoolState poolState;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, service = PoolShadowEntry.class)
    void bindEntry(PoolShadowEntry e, Map<String, Object> props) {
        entry = new Bound(e, String.valueOf(props.get(MemoryBackend.ID_PROPERTY)),
                String.valueOf(props.get(AllocatorComponent.POOL_PROPERTY)));
    }

    void unbindEntry(PoolShadowEntry e) {
        Bound b = entry;
        if (b != null && b.entry() == e) {
            entry = null;
        }
    }

    @Activate
    void activate(BundleContext bundleContext) {
        this.context = bundleContext;
    }

    @Deactivate
    void deactivate() {
        this.context = null;
    }

    /**
     * The id of the backend the service registry marks active ({@value #ACTIVE}) at this moment, or null. Read from
     * the registry at each look rather than kept from a bind callback: {@code aep:use} returns once the console
     * has seen the switch, and a callback to this component for the same change may still be on its way, so a
     * cached id could name the backend just switched off and make a command give up on its failed pool.
     */
    private String activeBackend() {
        BundleContext c = context;
        if (c == null) {
            return null;
        }
        try {
            for (ServiceReference<MemoryBackend> r : c.getServiceReferences(MemoryBackend.class, ACTIVE)) {
                Object id = r.getProperty(MemoryBackend.ID_PROPERTY);
                if (id != null) {
                    return id.toString();
                }
            }
        } catch (InvalidSyntaxException | IllegalStateException e) {
            return null;
        }
        return null;
    }

    /** The entry over the active backend, waiting for it within a bound; null if none came. */
    private PoolShadowEntry awaitEntry() {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Bound b = entry;
            String active = activeBackend();
            if (b != null && !b.entry().retired() && b.backend().equals(active)) {
                return b.entry();
            }
            PoolState state = poolState;
            boolean failed = state != null && !state.last().open() && state.last().serial() > 0
                    && state.last().backend().equals(active);
            if (failed || System.nanoTime() - deadline > 0) {
                return b == null || b.entry().retired() ? null : b.entry();
            }
            pause();
        }
    }

    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Descriptor("allocate an object through the shadow entry; prints its handle")
    public String alloc(@Descriptor("client id") int client, @Descriptor("size in bytes") long size) {
        return commands.alloc(client, size, 0);
    }

    @Descriptor("allocate an object whose first words are zeroed reference slots; prints its handle")
    public String alloc(@Descriptor("client id") int client, @Descriptor("size in bytes") long size,
            @Descriptor("number of 8-byte reference slots") int refs) {
        return commands.alloc(client, size, refs);
    }

    @Descriptor("free an object the client owns")
    public String free(@Descriptor("client id") int client, @Descriptor("handle, 0x hex") String handle) {
        return commands.free(client, handle);
    }

    @Descriptor("store a reference in a slot of the client's object and count it")
    public String link(@Descriptor("client id") int client, @Descriptor("slot address, 0x hex") String slot,
            @Descriptor("target handle, 0x hex") String target) {
        return commands.link(client, slot, target);
    }

    @Descriptor("clear a reference slot and uncount its target")
    public String unlink(@Descriptor("client id") int client, @Descriptor("slot address, 0x hex") String slot,
            @Descriptor("target handle stored there, 0x hex") String target) {
        return commands.unlink(client, slot, target);
    }

    @Descriptor("move an object to another client's mailbox")
    public String send(@Descriptor("sending client id") int client, @Descriptor("destination client id") int dst,
            @Descriptor("handle, 0x hex") String handle) {
        return commands.send(client, dst, handle);
    }

    @Descriptor("take the oldest message from any sender")
    public String recv(@Descriptor("receiving client id") int client) {
        return commands.recv(client, ShadowEntry.ANY_SENDER);
    }

    @Descriptor("take the oldest message from one sender")
    public String recv(@Descriptor("receiving client id") int client, @Descriptor("sending client id") long source) {
        return commands.recv(client, source);
    }

    @Descriptor("calls per op (of every process on the pool), bytes in use, live objects and metadata overhead")
    public String stats() {
        return commands.stats();
    }

    @Descriptor("print the allocated blocks of every segment")
    public String bitmap() {
        return commands.bitmap();
    }

    @Descriptor("check the whole pool for leaks, double ownership and corruption (run it on a quiescent pool)")
    public String fsck() {
        return commands.fsck();
    }

    @Descriptor("replay a client's redo log and reclaim its unreferenced objects (-1: every client, then sweep)")
    public String recover(@Descriptor("client id, or -1 for all") long client) {
        return commands.recover(client);
    }

    @Descriptor("repair what killed processes leave between a CAS and its redo record (quiescent pool only)")
    public String sweep() {
        return commands.sweep();
    }

    @Descriptor("show the pool the allocator is bound to")
    public String pool() {
        PoolState state = poolState;
        if (state == null) {
            throw new AepException(Errno.ESTALE, "no allocator component is active");
        }
        return AepCommands.describe(state.last());
    }

    @Descriptor("bind the allocator to a shared pool: --size=<MiB> when creating it, --skip-init to attach to a "
            + "pool another process formatted; waits until the entry over it is registered")
    public String pool(@Descriptor("pool name (a /dev/shm file on the native backend)") String name,
            @Descriptor("--size=<MiB> and/or --skip-init") String... options) {
        AepCommands.PoolOptions o = AepCommands.PoolOptions.parse(options);
        ConfigurationAdmin cm = configAdmin;
        PoolState state = poolState;
        if (cm == null || state == null) {
            throw new AepException(Errno.ESTALE, "no configuration admin or allocator component is active");
        }
        long before = state.last().serial();
        try {
            Configuration c = cm.getConfiguration(PID, "?");
            Dictionary<String, Object> props = c.getProperties();
            if (props == null) {
                props = new Hashtable<>();
            }
            props.put("poolName", name);
            if (o.sizeMiB() > 0) {
                props.put("poolMiB", o.sizeMiB());
            }
            props.put("skipInit", o.skipInit());
            c.update(props);
        } catch (IOException e) {
            throw new AepException(Errno.EIO, "cannot store the pool configuration: " + e.getMessage(), e);
        }
        PoolState.Outcome outcome = state.await(x -> x.serial() > before && x.poolName().equals(name), WAIT);
        if (outcome == null) {
            throw new AepException(Errno.EBUSY, "the allocator did not open pool " + name + " within "
                    + WAIT.toSeconds() + " s");
        }
        if (!outcome.open() && o.skipInit() && !"native".equals(outcome.backend())) {
            return "pool " + name + ": configured (attach); backend " + outcome.backend()
                    + " cannot open it (" + outcome.detail() + "); it is attached when a backend that can is used";
        }
        return AepCommands.describe(outcome);
    }

    @Descriptor("start client processes (whole runtimes) on this pool, each running the script as its own range of "
            + "client ids ({i} index, {c} first client, {c+j}, {k} clients, {node}); prints their output")
    public String clients(@Descriptor("number of processes") int n,
            @Descriptor("command line each runs, ';'-separated, quoted") String script) {
        Bound b = entry;
        PoolShadowEntry e = awaitEntry();
        if (e == null || b == null) {
            throw new AepException(Errno.ESTALE, "no allocator: no active memory backend is bound");
        }
        if (!"native".equals(b.backend())) {
            throw new AepException(Errno.EINVAL, "pool " + b.pool() + " is on backend " + b.backend()
                    + ", which other processes cannot map; use aep:use native first");
        }
        try (ProcessGroup group = ProcessGroup.start(ProcessGroup.runtimeCommand(), n, b.backend(), b.pool(),
                e.allocator().topology(), script)) {
            List<ProcessGroup.Result> results = group.await(600);
            return AepCommands.report(results);
        }
    }

    @Descriptor("measure the gate: alloc+free through the entry (looking the thread up per call, and the thread's own"
            + " entry) vs a direct entry vs libc malloc")
    public String gatecost(@Descriptor("client id to measure with") int client,
            @Descriptor("object size in bytes") long size, @Descriptor("rounds") int rounds,
            @Descriptor("alloc+free pairs per round") long pairs) {
        return commands.gatecost(client, size, rounds, pairs);
    }

    @Descriptor("measure the gate with client 0, 8-byte objects, 11 rounds of 1000000 pairs")
    public String gatecost() {
        return commands.gatecost(0, 8, 11, 1_000_000);
    }
}

package org.aepdsm.backend.os;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.BackendInfo;
import org.aepdsm.api.memory.Capability;
import org.aepdsm.api.memory.FramePool;
import org.aepdsm.api.memory.Isolation;
import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.api.memory.ProtectionDomain;
import org.aepdsm.api.memory.SharedPool;
import org.aepdsm.api.memory.SharedPoolSpec;
import org.aepdsm.api.memory.SubtreeSupport;
import org.aepdsm.backend.os.ffm.FileMapping;
import org.aepdsm.backend.os.ffm.MemoryFile;
import org.aepdsm.backend.os.ffm.Pagemap;
import org.aepdsm.backend.os.ffm.ProtectionKeys;
import org.aepdsm.backend.os.ffm.Reservation;

/**
 * The real Linux machine as a {@link MemoryBackend}: one node whose DRAM is a {@code memfd} frame
 * pool, address spaces reserved in this process, shared pools in {@code /dev/shm} or on a memory
 * device, frame numbers from {@code /proc/self/pagemap}, and a protection-key domain.
 *
 * <p>Lifecycle: a machine is active from construction until {@link #shutdown()}; then every object
 * it handed out throws ESTALE and every segment it handed out throws {@link IllegalStateException}
 * (arenas are closed before memory is unmapped). A machine is not restarted: make a new one.
 *
 * <p>Ownership: the creator shuts it down. Thread-safety: all methods may be called from any thread.
 */
public final class NativeMachine implements MemoryBackend {
    /** The backend id. */
    public static final String ID = "native";
    /** Largest address space, in bytes. */
    public static final long MAX_SPACE_BYTES = 1L << 40;

    /**
     * What a machine is built from.
     *
     * @param poolBytes    bytes of node 0's frame pool, a positive multiple of 2 MiB
     * @param shmDirectory where named shared pools live
     */
    public record Settings(long poolBytes, Path shmDirectory) {
        /** 256 MiB of pool, pools in {@code /dev/shm}. */
        public static Settings defaults() {
            return new Settings(256L << 20, Path.of("/dev/shm"));
        }
    }

    private final Settings settings;
    private final String poolName;
    private final Pagemap pagemap;
    private final NativeFramePool pool;
    private final KeyedProtectionDomain domain;
    private final NativeSubtreeSupport subtrees = new NativeSubtreeSupport(this);
    private final Map<Long, NativeAddressSpace> spaces = new ConcurrentSkipListMap<>();
    private final List<NativeSharedPool> sharedPools = new ArrayList<>();
    /** Pools over other processes' pool files, one per attached morsel; closed on shutdown. */
    private final List<NativeFramePool> borrowedPools = new ArrayList<>();
    private final AtomicLong nextSpaceId = new AtomicLong(1);
    /** The kernel call at which the next view creation fails (see {@link #failNextViewAt}), or -1. */
    private final AtomicInteger viewFault = new AtomicInteger(-1);
    private volatile boolean active = true;

    /**
     * Builds the machine: opens the pagemap, creates and maps the pool file, allocates a protection key.
     *
     * @throws AepException EINVAL for bad settings, or the errno of the system call that failed
     */
    public NativeMachine(Settings settings) {
        if (settings == null || settings.shmDirectory() == null) {
            throw new AepException(Errno.EINVAL, "settings and their shm directory must be given");
        }
        if (settings.poolBytes() <= 0 || (settings.poolBytes() & ((2L << 20) - 1)) != 0
                || settings.poolBytes() > (1L << 43)) {
            throw new AepException(Errno.EINVAL, "pool size " + settings.poolBytes()
                    + " is not a positive multiple of 2 MiB up to 8 TiB");
        }
        this.settings = settings;
        this.poolName = "aepdsm-node0";
        this.pagemap = Pagemap.open();
        MemoryFile file = MemoryFile.anonymous(poolName, settings.poolBytes());
        NativeFramePool p;
        try {
            p = new NativeFramePool(this, 0, file);
        } catch (AepException e) {
            file.close();
            pagemap.close();
            throw e;
        }
        this.pool = p;
        this.domain = KeyedProtectionDomain.create(this);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public BackendInfo info() {
        Set<Capability> caps = capabilities(pagemap.readable(), domain.isolation() == Isolation.PKEY);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("pool", pool.name());
        details.put("poolFrames", String.valueOf(pool.frameCount()));
        details.put("pagemap", pagemap.readable() ? "readable" : "unavailable (" + pagemap.unavailableReason() + ")");
        details.put("pkeys", domain.key() > 0 ? "available (key " + domain.key() + ")"
                : "unavailable (" + domain.unavailableReason() + ")");
        details.put("shmDirectory", settings.shmDirectory().toString());
        details.put("hugePages", "2 MiB pages are logical: order-9 blocks mapped with 4 KiB kernel pages");
        details.put("active", String.valueOf(active));
        return new BackendInfo(ID, "the Linux machine through FFM: memfd frames, reserved address spaces, "
                + "/dev/shm shared pools", caps, domain.isolation(), details);
    }

    private static Set<Capability> capabilities(boolean pagemapReadable, boolean keys) {
        Set<Capability> caps = EnumSet.of(Capability.SHARED_POOL, Capability.MULTI_PROCESS, Capability.HUGE_PAGES_2M);
        if (pagemapReadable) {
            caps.add(Capability.PHYSICAL_FRAMES);
        }
        if (keys) {
            caps.add(Capability.ISOLATION);
        }
        return caps;
    }

    /**
     * What this machine would offer if activated, found without creating a pool: whether the pagemap
     * shows frame numbers and whether a protection key can be allocated (it is freed again at once).
     */
    static BackendInfo standbyInfo(Settings settings) {
        boolean readable;
        String pagemapText;
        Pagemap probe = Pagemap.open();
        try {
            readable = probe.readable();
            pagemapText = readable ? "readable" : "unavailable (" + probe.unavailableReason() + ")";
        } finally {
            probe.close();
        }
        String keysText;
        boolean keys;
        try {
            ProtectionKeys.free(ProtectionKeys.allocate(0));
            keys = true;
            keysText = "available";
        } catch (AepException e) {
            keys = false;
            keysText = "unavailable (" + e.getMessage() + ")";
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("pagemap", pagemapText);
        details.put("pkeys", keysText);
        details.put("poolFrames", String.valueOf(settings.poolBytes() / 4096));
        details.put("shmDirectory", settings.shmDirectory().toString());
        details.put("active", "false");
        return new BackendInfo(ID, "the Linux machine through FFM (standby: no pool until activated)",
                capabilities(readable, keys), keys ? Isolation.PKEY : Isolation.NONE, details);
    }

    @Override
    public int nodeCount() {
        return 1;
    }

    @Override
    public FramePool framePool(int node) {
        checkActive();
        checkNode(node);
        return pool;
    }

    private static void checkNode(int node) {
        if (node != 0) {
            throw new AepException(Errno.EINVAL, "node " + node + " is outside 0..0 of the native backend");
        }
    }

    @Override
    public AddressSpace createAddressSpace(int node, long size) {
        checkActive();
        checkNode(node);
        if (size <= 0 || (size & (Reservation.ALIGNMENT - 1)) != 0 || size > MAX_SPACE_BYTES) {
            throw new AepException(Errno.EINVAL, "address space size " + size
                    + " is not a positive multiple of 2 MiB up to " + MAX_SPACE_BYTES);
        }
        synchronized (this) {
            checkActive();
            Reservation r = Reservation.reserve(size);
            NativeAddressSpace s = new NativeAddressSpace(this, nextSpaceId.getAndIncrement(), node, pool, r);
            spaces.put(s.id(), s);
            return s;
        }
    }

    @Override
    public Optional<AddressSpace> addressSpace(long id) {
        checkActive();
        return Optional.ofNullable(spaces.get(id));
    }

    @Override
    public List<AddressSpace> addressSpaces() {
        checkActive();
        return List.copyOf(spaces.values());
    }

    @Override
    public SharedPool openSharedPool(SharedPoolSpec spec) {
        checkActive();
        if (spec == null) {
            throw new AepException(Errno.EINVAL, "shared pool spec is null");
        }
        String name = spec.name();
        MemoryFile file;
        boolean created = !spec.attach();
        if (name.startsWith("/dev/")) {
            Path device = Path.of(name).normalize();
            if (!device.toString().equals(name) || !device.startsWith("/dev/")) {
                throw new AepException(Errno.EINVAL, "device path " + name + " is not a plain path under /dev");
            }
            file = MemoryFile.device(device, spec.size());
        } else {
            if (name.isEmpty() || name.contains("/") || name.contains("..") || name.indexOf('\0') >= 0
                    || name.equals(".")) {
                throw new AepException(Errno.EINVAL, "shared pool name '" + name
                        + "' must be a plain file name (no '/', no '..') or a /dev/ device path");
            }
            Path path = settings.shmDirectory().resolve(name);
            file = spec.attach() ? MemoryFile.attach(path) : MemoryFile.create(path, spec.size());
        }
        FileMapping mapping;
        try {
            mapping = FileMapping.map(file);
        } catch (AepException e) {
            file.close();
            throw e;
        }
        if (created && name.startsWith("/dev/")) {
            mapping.segment().fill((byte) 0);
        }
        NativeSharedPool p = new NativeSharedPool(this, name, mapping, created);
        synchronized (this) {
            if (!active) {
                p.close();
                checkActive();
            }
            sharedPools.add(p);
        }
        return p;
    }

    /** Morsels as ranges of the pool file, mapped with one {@code mmap} per run. */
    @Override
    public Optional<SubtreeSupport> subtrees() {
        checkActive();
        return Optional.of(subtrees);
    }

    @Override
    public ProtectionDomain protectionDomain() {
        checkActive();
        return domain;
    }

    @Override
    public boolean isActive() {
        return active;
    }

    /** Where named shared pools live. */
    Path shmDirectory() {
        return settings.shmDirectory();
    }

    /** The machine's pagemap reader. */
    Pagemap pagemap() {
        return pagemap;
    }

    void checkActive() {
        if (!active) {
            throw new AepException(Errno.ESTALE, "backend native is not active");
        }
    }

    /**
     * A new, listed member of {@code source}'s view group on a fresh reservation of {@code size} bytes
     * (the caller fills it).
     *
     * @param injectedFault fail as if the kernel refused the reservation
     * @throws AepException {@code ENOMEM} when the range cannot be reserved
     */
    synchronized NativeAddressSpace newView(NativeAddressSpace source, long size, boolean injectedFault) {
        checkActive();
        Reservation r;
        try {
            if (injectedFault) {
                throw new AepException(Errno.ENOMEM, "mmap of " + size + " bytes refused (injected fault)");
            }
            r = Reservation.reserve(size);
        } catch (AepException e) {
            throw new AepException(Errno.ENOMEM, "cannot reserve " + size + " bytes for a view of address space "
                    + source.id() + ": " + e.getMessage(), e);
        }
        NativeAddressSpace s = source.viewOn(nextSpaceId.getAndIncrement(), r);
        spaces.put(s.id(), s);
        return s;
    }

    /**
     * Fault injection for tests, off by default and not reachable from configuration: the next view
     * creation ({@link org.aepdsm.api.memory.ViewableSpace#createView()}) on this machine fails with
     * {@code ENOMEM} at its {@code call}-th kernel mapping call, as when the kernel runs out of memory
     * or of mappings there: 0 is the reservation of the view's range, 1, 2, ... are the {@code mmap}
     * calls that mirror the source into it. That creation consumes the setting; one with fewer calls
     * succeeds. Real memory is never exhausted, so the JVM is not put at risk.
     *
     * @param call the failing call, or -1 to disarm
     * @throws AepException EINVAL if {@code call} is below -1
     */
    public void failNextViewAt(int call) {
        if (call < -1) {
            throw new AepException(Errno.EINVAL, "kernel call " + call + " of a view creation is below -1");
        }
        viewFault.set(call);
    }

    /** The injected failing call for a view creation that starts now, or -1; disarms the setting. */
    int takeViewFault() {
        return viewFault.getAndSet(-1);
    }

    void forget(NativeAddressSpace space) {
        spaces.remove(space.id(), space);
    }

    synchronized void forget(NativeSharedPool shared) {
        sharedPools.remove(shared);
    }

    /** Keeps a borrowed pool until shutdown; closes it and throws ESTALE if the machine is shut down. */
    synchronized void adoptBorrowed(NativeFramePool borrowed) {
        if (!active) {
            borrowed.close();
            checkActive();
        }
        borrowedPools.add(borrowed);
    }

    synchronized void forgetBorrowed(NativeFramePool borrowed) {
        borrowedPools.remove(borrowed);
    }

    /**
     * Makes everything this machine handed out stale and releases its memory: address spaces,
     * shared pools (their files stay), the key, the pool. Idempotent.
     */
    public void shutdown() {
        List<NativeSharedPool> pools;
        List<NativeFramePool> borrowed;
        synchronized (this) {
            if (!active) {
                return;
            }
            active = false;
            pools = new ArrayList<>(sharedPools);
            borrowed = new ArrayList<>(borrowedPools);
        }
        for (NativeAddressSpace s : new ArrayList<>(spaces.values())) {
            s.close();
        }
        for (NativeSharedPool p : pools) {
            p.close();
        }
        for (NativeFramePool p : borrowed) {
            p.close();
        }
        domain.close();
        pool.close();
        pagemap.close();
    }

    @Override
    public String toString() {
        return "native machine (" + pool.name() + ", " + (active ? "active" : "shut down") + ")";
    }
}

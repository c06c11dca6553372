package org.aepdsm.backend.sim;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.BackendInfo;
import org.aepdsm.api.memory.Capability;
import org.aepdsm.api.memory.FramePool;
import org.aepdsm.api.memory.Isolation;
import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.api.memory.PageSize;
import org.aepdsm.api.memory.ProtectionDomain;
import org.aepdsm.api.memory.SharedPool;
import org.aepdsm.api.memory.SharedPoolSpec;
import org.aepdsm.api.memory.SubtreeSupport;
import org.aepdsm.api.memory.Tier;
import org.aepdsm.backend.sim.frame.OffsetRecords;
import org.aepdsm.backend.sim.phys.PhysicalMemory;

/**
 * The simulated machine: nodes with DRAM, a CXL tier, and everything built on them. A plain
 * object, made from a {@link MachineConfig} and used without any framework;
 * {@link SimBackendComponent} delegates to one.
 *
 * <pre>
 *   bank 0 .. nodes-1   node DRAM: SimFramePool (dramBytesPerNode) + PageTableZone
 *   bank nodes          CXL tier:  SimFramePool (cxlBytes), carved into named SharedRegions
 *   bank nodes + 1      SparseBank: 64 GiB reserved unbacked, 2 MiB chunks for objects larger than a node
 *   address spaces      [SPACE_BASE, SPACE_BASE + size), page tables in their node's zone
 * </pre>
 *
 * <p>Lifecycle: active from construction until {@link #shutdown()}. Shutdown marks every
 * object the machine handed out stale (their methods throw {@code ESTALE}), closes the arenas of
 * shared-pool handles, then frees the simulated memory; segments handed out throw
 * {@link IllegalStateException} from then on, and accesses racing with the shutdown fail the
 * same way instead of touching freed memory.
 *
 * <p>Thread-safety: all methods may be called from any thread. Ownership: the machine owns its
 * memory; callers own the blocks they allocate, the spaces they create and the shared-pool
 * handles they open.
 */
public final class SimMachine implements MemoryBackend {
    /** The first address of every address space (canonical, user half, 1 GiB aligned). */
    public static final long SPACE_BASE = 0x0000_1000_0000_0000L;
    /** The largest address space. */
    public static final long MAX_SPACE_BYTES = 1L << 46;

    private final MachineConfig config;
    private final PhysicalMemory memory;
    private final SimFramePool[] dram;
    private final PageTableZone[] zones;
    private final SimFramePool cxl;
    private final SimFramePool[] poolOfBank;
    private final SparseBank sparse;
    private final SimSubtreeSupport subtrees = new SimSubtreeSupport(this);
    private final ConcurrentSkipListMap<Long, SimAddressSpace> spaces = new ConcurrentSkipListMap<>();
    private final AtomicLong nextSpaceId = new AtomicLong(1);
    private final Object lock = new Object();
    private final Map<String, SharedRegion> regions = new HashMap<>();
    private final List<SimSharedPool> openPools = new ArrayList<>();
    private final SimProtectionDomain domain = new SimProtectionDomain(this);
    private final SplittableRandom random;
    private final BackendInfo info;
    private volatile boolean active;

    /**
     * Builds the machine and allocates its memory.
     *
     * @throws AepException {@code ENOMEM} when the host cannot provide the memory
     */
    public SimMachine(MachineConfig config) {
        this.config = config;
        int nodes = config.nodes();
        long poolFrames = config.dramBytesPerNode() / PageSize.FRAME_BYTES;
        long zoneFrames = zoneFrames(config);
        long[] banks = new long[nodes + 2];
        for (int n = 0; n < nodes; n++) {
            banks[n] = (poolFrames + zoneFrames) * PageSize.FRAME_BYTES;
        }
        banks[nodes] = config.cxlBytes();
        banks[nodes + 1] = SparseBank.BYTES;
        try {
            this.memory = new PhysicalMemory(banks);
        } catch (OutOfMemoryError e) {
            throw new AepException(Errno.ENOMEM, "the host cannot provide " + (nodes * banks[0] + banks[nodes])
                    + " bytes of simulated memory", e);
        }
        this.dram = new SimFramePool[nodes];
        this.zones = new PageTableZone[nodes];
        this.poolOfBank = new SimFramePool[nodes + 1];
        for (int n = 0; n < nodes; n++) {
            dram[n] = new SimFramePool(this, "node" + n + "-dram", n, Tier.DRAM, memory, n, poolFrames);
            zones[n] = new PageTableZone(dram[n], memory, n, zoneFrames);
            poolOfBank[n] = dram[n];
        }
        this.cxl = new SimFramePool(this, "cxl", -1, Tier.CXL, memory, nodes,
                config.cxlBytes() / PageSize.FRAME_BYTES);
        poolOfBank[nodes] = cxl;
        this.sparse = new SparseBank(memory, nodes + 1);
        this.random = new SplittableRandom(config.seed());
        this.info = describe(config);
        this.active = true;
    }

    /** Frames of each node's page-table zone: 1/32 of its DRAM, at least 256. */
    static long zoneFrames(MachineConfig c) {
        return Math.max(256, c.dramBytesPerNode() / PageSize.FRAME_BYTES / 32);
    }

    /** What a machine of this configuration is. */
    static BackendInfo describe(MachineConfig c) {
        long zoneFrames = zoneFrames(c);
        Map<String, String> d = new LinkedHashMap<>();
        d.put("nodes", String.valueOf(c.nodes()));
        d.put("dramMiBPerNode", String.valueOf(c.dramBytesPerNode() >> 20));
        d.put("cxlMiB", String.valueOf(c.cxlBytes() >> 20));
        d.put("pageTableZoneFramesPerNode", String.valueOf(zoneFrames));
        d.put("seed", String.valueOf(c.seed()));
        d.put("injectedFailureRate", String.valueOf(c.injectedFailureRate()));
        d.put("latencyNs", "localDram=" + c.latency().localDramNs() + " remoteDram=" + c.latency().remoteDramNs()
                + " cxl=" + c.latency().cxlNs() + " walkReference=" + c.latency().walkReferenceNs());
        d.put("tlb", "l1-4k=" + c.tlb().l1Entries4k() + " l1-2m=" + c.tlb().l1Entries2m() + " l1-1g="
                + c.tlb().l1Entries1g() + " l1Ways=" + c.tlb().l1Ways() + " l2=" + c.tlb().l2Entries() + " l2Ways="
                + c.tlb().l2Ways());
        d.put("placement", "BUDDY by default; CONTIGUITY_AWARE per address space (next-fit over sorted free runs, "
                + OffsetRecords.CAPACITY + " offset records per VMA)");
        d.put("sparseBankGiB", String.valueOf(SparseBank.BYTES >> 30));
        // The model tracks who is inside the isolated space but cannot stop a raw MemorySegment access,
        // so it does not claim the ISOLATION capability.
        d.put("isolationEnforced", "no (inside/outside tracked per thread; raw segment access is not stopped)");
        return new BackendInfo("sim", "Simulated machine: " + c.nodes() + " node(s) x " + (c.dramBytesPerNode() >> 20)
                + " MiB DRAM, " + (c.cxlBytes() >> 20) + " MiB CXL, seed " + c.seed(),
                EnumSet.of(Capability.PAGE_TABLES, Capability.TLB_MODEL, Capability.PHYSICAL_FRAMES,
                        Capability.SHARED_POOL, Capability.HUGE_PAGES_2M,
                        Capability.HUGE_PAGES_1G, Capability.DETERMINISTIC),
                Isolation.SIMULATED, d);
    }

    /** The configuration the machine was built from. */
    public MachineConfig config() {
        return config;
    }

    @Override
    public String id() {
        return "sim";
    }

    /** The description, with the contiguity-aware address spaces named in {@code placement} while active. */
    @Override
    public BackendInfo info() {
        if (!active) {
            return info;
        }
        List<Long> ca = new ArrayList<>();
        for (SimAddressSpace s : spaces.values()) {
            if (s.contiguityPlacement() != null) {
                ca.add(s.id());
            }
        }
        if (ca.isEmpty()) {
            return info;
        }
        Map<String, String> d = new LinkedHashMap<>(info.details());
        d.put("placement", d.get("placement") + "; CONTIGUITY_AWARE in spaces " + ca);
        return new BackendInfo(info.id(), info.description(), info.capabilities(), info.isolation(), d);
    }

    @Override
    public int nodeCount() {
        checkActive();
        return config.nodes();
    }

    @Override
    public FramePool framePool(int node) {
        checkActive();
        checkNode(node);
        return dram[node];
    }

    /** The CXL tier that shared pools are carved from (node -1). */
    public FramePool cxlPool() {
        checkActive();
        return cxl;
    }

    @Override
    public AddressSpace createAddressSpace(int node, long size) {
        checkActive();
        checkNode(node);
        if (size <= 0 || size % PageSize.SIZE_2M.bytes() != 0 || size > MAX_SPACE_BYTES) {
            throw new AepException(Errno.EINVAL, "address space size " + size
                    + " is not a positive multiple of 2 MiB up to " + MAX_SPACE_BYTES);
        }
        long id = nextSpaceId.getAndIncrement();
        SimAddressSpace s = new SimAddressSpace(this, id, node, SPACE_BASE, SPACE_BASE + size);
        spaces.put(id, s);
        return s;
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
        synchronized (lock) {
            checkActive();
            String name = spec.name();
            if (name.isBlank()) {
                throw new AepException(Errno.EINVAL, "shared pool name '" + name + "' is blank");
            }
            SharedRegion region = regions.get(name);
            boolean created;
            if (spec.attach()) {
                if (region == null) {
                    throw new AepException(Errno.ENOENT, "shared pool '" + name + "' does not exist");
                }
                created = false;
            } else {
                region = createRegion(name, spec.size(), region);
                created = true;
            }
            SimSharedPool pool = new SimSharedPool(this, region, created,
                    memory.openView(cxl.addressOf(region.firstFrame()), region.bytes()));
            region.opened();
            openPools.add(pool);
            return pool;
        }
    }

    private SharedRegion createRegion(String name, long size, SharedRegion existing) {
        if (size <= 0 || size % PageSize.FRAME_BYTES != 0) {
            throw new AepException(Errno.EINVAL, "shared pool size " + size + " is not a positive multiple of 4096");
        }
        long frames = size / PageSize.FRAME_BYTES;
        if (existing != null && existing.frames() == frames) {
            memory.zero(cxl.addressOf(existing.firstFrame()), size);
            return existing;
        }
        if (existing != null && existing.openHandles() > 0) {
            throw new AepException(Errno.EBUSY, "shared pool '" + name + "' is open with size " + existing.bytes()
                    + "; it cannot be recreated with size " + size);
        }
        if (frames > cxl.frameCount()) {
            throw new AepException(Errno.ENOMEM, "shared pool size " + size + " exceeds the CXL tier of "
                    + cxl.frameCount() * PageSize.FRAME_BYTES + " bytes");
        }
        long first = cxl.allocateRun(frames);
        if (first < 0) {
            throw new AepException(Errno.ENOMEM, "no free run for shared pool size " + size + " in the CXL tier ("
                    + cxl.freeFrames() + " frames free)");
        }
        // A pool is touched densely and at random (an allocator's metadata and objects): huge pages spare its
        // users most TLB misses. Advice only; the bytes read as zero either way.
        memory.preferHugePages(cxl.addressOf(first), size);
        if (existing != null) {
            cxl.freeRun(existing.firstFrame(), existing.frames());
            existing.moveTo(first, frames);
            return existing;
        }
        SharedRegion r = new SharedRegion(name, first, frames);
        regions.put(name, r);
        return r;
    }

    void closeSharedPool(SimSharedPool pool) {
        synchronized (lock) {
            if (openPools.remove(pool)) {
                pool.region().closed();
                pool.release();
            }
        }
    }

    /** Morsel subtrees: always available on the simulated machine. */
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

    /**
     * Deactivates the machine: every handle turns stale, shared-pool segments and frame segments
     * become inaccessible, and the simulated memory is freed. Idempotent.
     */
    public void shutdown() {
        List<SimSharedPool> pools;
        synchronized (lock) {
            if (!active) {
                return;
            }
            active = false;
            pools = new ArrayList<>(openPools);
            openPools.clear();
        }
        for (SimSharedPool p : pools) {
            p.release();
        }
        spaces.clear();
        memory.close();
    }

    /** Throws {@code ESTALE} once the machine shut down. */
    void checkActive() {
        if (!active) {
            throw new AepException(Errno.ESTALE, "backend sim is not active (the machine was shut down)");
        }
    }

    PhysicalMemory memory() {
        return memory;
    }

    SparseBank sparseBank() {
        return sparse;
    }

    SimFramePool dram(int node) {
        return dram[node];
    }

    PageTableZone zone(int node) {
        return zones[node];
    }

    /** The frame pool holding a physical address, or null for page-table zones and unknown addresses. */
    SimFramePool poolAt(long pa) {
        int bank = memory.bankOf(pa);
        if (bank < 0 || bank >= poolOfBank.length) {
            return null;
        }
        SimFramePool p = poolOfBank[bank];
        return frameIn(p, pa) < p.frameCount() ? p : null;
    }

    /** The frame number of a physical address within its pool. */
    static long frameIn(SimFramePool pool, long pa) {
        return (pa - PhysicalMemory.bankBase(pool.machine().memory().bankOf(pa))) / PageSize.FRAME_BYTES;
    }

    /** Whether the bank holding a physical address is the CXL tier. */
    boolean isCxlBank(int bank) {
        return bank == config.nodes();
    }

    /** Whether an injected failure strikes this allocation (deterministic for the seed). */
    boolean injectFailure() {
        double rate = config.injectedFailureRate();
        if (rate == 0) {
            return false;
        }
        synchronized (random) {
            return random.nextDouble() < rate;
        }
    }

    /** A new, listed view of {@code source} with the next space id (its tables are built by the caller). */
    SimAddressSpace newView(SimAddressSpace source) {
        checkActive();
        long id = nextSpaceId.getAndIncrement();
        SimAddressSpace s = source.newView(id);
        spaces.put(id, s);
        return s;
    }

    void forget(SimAddressSpace space) {
        spaces.remove(space.id(), space);
    }

    private void checkNode(int node) {
        if (node < 0 || node >= config.nodes()) {
            throw new AepException(Errno.EINVAL, "node " + node + " is outside 0.." + (config.nodes() - 1));
        }
    }

    @Override
    public String toString() {
        return "SimMachine[" + info.description() + (active ? "" : ", shut down") + "]";
    }
}

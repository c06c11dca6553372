package org.aepdsm.bench.jmh;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.aepdsm.allocator.AepAllocator;
import org.aepdsm.allocator.PoolShadowEntry;
import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.api.memory.Isolation;
import org.aepdsm.api.memory.ProtectionDomain;
import org.aepdsm.api.memory.SharedPool;
import org.aepdsm.api.ownership.Topology;
import org.aepdsm.backend.sim.MachineConfig;
import org.aepdsm.backend.sim.SimMachine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH measurements of the allocator's hot paths through the shadow entry: MALLOC+FREE of one size class by one
 * client, and a SEND/RECV ping-pong between two clients of one node. {@code entry=sim} enters and leaves the
 * simulated machine's protection domain on each call, as the console's entry does on the sim backend;
 * {@code entry=sim-thread} does the same through the entry each JMH thread holds for itself
 * ({@link ShadowEntry#onThisThread()}), as the benchmarks' worker threads do;
 * {@code entry=shadow} enters and leaves one that isolates nothing and keeps no state, so the entry's own
 * bookkeeping is what is measured; {@code entry=direct} skips the domain. Not tests; run as documented in this
 * module's README.
 *
 * <p>Each JMH thread takes its own client ids, as the allocator requires.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Benchmark)
public class AllocatorHotPaths {
    /** The allocator over a 256 MiB pool of 2 nodes x 20 clients, shared by the benchmark's threads. */
    @State(Scope.Benchmark)
    public static class Pool {
        @Param({"sim", "sim-thread", "shadow", "direct"})
        public String entry;

        Arena arena;
        SimMachine machine;
        ShadowEntry shadowEntry;
        final AtomicInteger nextClient = new AtomicInteger(1);

        @Setup(Level.Trial)
        public void open() {
            arena = Arena.ofShared();
            AepAllocator a = AepAllocator.open(arena.allocate(256L << 20, 4096), new Topology(2, 20), 512, false,
                    new PrintStream(OutputStream.nullOutputStream()));
            shadowEntry = switch (entry) {
                case "direct" -> new PoolShadowEntry(a, null, true, 0x1000);
                case "sim", "sim-thread" -> {
                    machine = new SimMachine(MachineConfig.of(1, 256, 2));
                    yield new PoolShadowEntry(a, machine.protectionDomain(), false, PoolShadowEntry.DEFAULT_ADDRESS);
                }
                default -> new PoolShadowEntry(a, new OpenDomain(), false, PoolShadowEntry.DEFAULT_ADDRESS);
            };
            if (shadowEntry.call(ShadowEntry.INIT, 0, 0, 0, 0) < 0) {
                throw new IllegalStateException("INIT failed");
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            arena.close();
            if (machine != null) {
                machine.shutdown();
            }
        }
    }

    /** A pair of clients on node 0 owned by one JMH thread, and an object that travels between them. */
    @State(Scope.Thread)
    public static class Clients {
        int a;
        int b;
        long object;
        /** The entry this thread calls: {@code entry=sim-thread} holds it as {@link ShadowEntry#onThisThread()}. */
        ShadowEntry entry;

        @Setup(Level.Trial)
        public void take(Pool pool) {
            entry = pool.entry.equals("sim-thread") ? pool.shadowEntry.onThisThread() : pool.shadowEntry;
            a = pool.nextClient.getAndAdd(2);
            b = a + 1;
            if (b >= 20) {
                throw new IllegalStateException("at most 9 JMH threads: clients 1..19 live on node 0");
            }
            object = entry.call(ShadowEntry.MALLOC, a, 64, 0, 0);
        }
    }

    /** A domain that isolates nothing. */
    static final class OpenDomain implements ProtectionDomain {
        public Isolation isolation() {
            return Isolation.NONE;
        }

        public void isolate(SharedPool pool, long offset, long length) {
        }

        public void enter() {
        }

        public void leave() {
        }

        public boolean isInside() {
            return false;
        }
    }

    @Param({"16", "64", "1000"})
    public long size;

    /** MALLOC then FREE of one size class: the per-client cache's fast path. */
    @Benchmark
    @OperationsPerInvocation(2)
    public long mallocFree(Pool pool, Clients c) {
        long h = c.entry.call(ShadowEntry.MALLOC, c.a, size, 0, 0);
        c.entry.call(ShadowEntry.FREE, c.a, h, 0, 0);
        return h;
    }

    /** SEND a -> b, RECV by b, SEND b -> a, RECV by a: four calls, two ownership transfers. */
    @Benchmark
    @OperationsPerInvocation(2)
    public long sendRecv(Pool pool, Clients c) {
        ShadowEntry e = c.entry;
        e.call(ShadowEntry.SEND, c.a, c.b, c.object, 0);
        long h = e.call(ShadowEntry.RECV, c.b, c.a, 0, 0);
        e.call(ShadowEntry.SEND, c.b, c.a, h, 0);
        c.object = e.call(ShadowEntry.RECV, c.a, c.b, 0, 0);
        return c.object;
    }
}

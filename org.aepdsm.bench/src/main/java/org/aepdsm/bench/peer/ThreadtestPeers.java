package org.aepdsm.bench.peer;

import java.lang.foreign.Arena;
import java.util.function.IntFunction;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.aepdsm.bench.internal.NativeHeap;
import org.aepdsm.bench.internal.TaskThreads;
import org.aepdsm.bench.internal.WarmUp;

/**
 * threadtest's loop over other allocators: per thread, {@code iterations} passes of {@code objects/threads}
 * allocations of {@code sz*8} bytes, then frees in the same order, {@code work} spin loops after each call. Peers:
 * the C library through FFM ({@code malloc}/{@code free}), a confined {@link Arena} per object (allocate, close), and
 * Netty's {@link PooledByteBufAllocator} (direct buffers, thread caches on). As for ours, untimed {@link WarmUp} rounds
 * of {@link WarmUp#iterationsPerRound} iterations run first.
 *
 * <p>Stateless; each run owns its threads.
 */
final class ThreadtestPeers {
    private ThreadtestPeers() {
    }

    /** One thread's allocate/free pair over slot indexes. */
    interface Slots {
        void allocate(int slot, long size);

        void free(int slot);
    }

    static void run(PeerReport report, String[] a) {
        int threads = Integer.parseInt(a[0]);
        int iterations = Integer.parseInt(a[1]);
        int objects = Integer.parseInt(a[2]);
        int work = Integer.parseInt(a[3]);
        int sz = Integer.parseInt(a[4]);
        report.attempt("ffm-malloc", () -> measure(report, "ffm-malloc", threads, iterations, objects, work, sz,
                n -> new Slots() {
                    final long[] p = new long[n];

                    public void allocate(int slot, long size) {
                        p[slot] = NativeHeap.malloc(size);
                    }

                    public void free(int slot) {
                        NativeHeap.free(p[slot]);
                    }
                }));
        report.attempt("ffm-arena-confined", () -> measure(report, "ffm-arena-confined", threads, iterations,
                objects, work, sz, n -> new Slots() {
                    final Arena[] arenas = new Arena[n];

                    public void allocate(int slot, long size) {
                        Arena arena = Arena.ofConfined();
                        arena.allocate(size);
                        arenas[slot] = arena;
                    }

                    public void free(int slot) {
                        arenas[slot].close();
                        arenas[slot] = null;
                    }
                }));
        report.attempt("netty-pooled-direct", () -> measure(report, "netty-pooled-direct", threads, iterations,
                objects, work, sz, n -> new Slots() {
                    final ByteBuf[] bufs = new ByteBuf[n];
                    final PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;

                    public void allocate(int slot, long size) {
                        bufs[slot] = alloc.directBuffer((int) size);
                    }

                    public void free(int slot) {
                        bufs[slot].release();
                        bufs[slot] = null;
                    }
                }));
    }

    static void measure(PeerReport report, String peer, int threads, int iterations, int objects, int work, int sz,
            IntFunction<Slots> slots) {
        WarmUp.run(round -> passes(peer, threads, WarmUp.iterationsPerRound(iterations), objects, work, sz, slots));
        long start = System.nanoTime();
        passes(peer, threads, iterations, objects, work, sz, slots);
        long end = System.nanoTime();
        double seconds = (end - start) / 1e9;
        double ops = (double) iterations * (objects / threads) * threads * 2.0;
        report.higher(peer, "throughput", ops / seconds, "ops/sec");
        report.lower(peer, "time", seconds, "s");
    }

    private static void passes(String peer, int threads, int iterations, int objects, int work, int sz,
            IntFunction<Slots> slots) {
        int perThread = objects / threads;
        long size = (long) sz * 8;
        Throwable failure = TaskThreads.run(peer, threads, t -> {
            Slots s = slots.apply(perThread);
            for (int j = 0; j < iterations; j++) {
                for (int i = 0; i < perThread; i++) {
                    s.allocate(i, size);
                    TaskThreads.work(work);
                }
                for (int i = 0; i < perThread; i++) {
                    s.free(i);
                    TaskThreads.work(work);
                }
            }
        }, null);
        if (failure != null) {
            throw new IllegalStateException(peer + " failed", failure);
        }
    }
}

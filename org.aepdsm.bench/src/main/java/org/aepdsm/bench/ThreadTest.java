package org.aepdsm.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;

import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.bench.internal.CompilerIdle;
import org.aepdsm.bench.internal.TaskThreads;
import org.aepdsm.bench.internal.WarmUp;

/**
 * threadtest: {@code threads} workers (clients 1..threads) each MALLOC {@code objects/threads} objects of
 * {@code sz*8} bytes and FREE them in the same order, {@code iterations} times, with {@code work} spin loops after
 * each call. Throughput counts every MALLOC and FREE over the span from the first thread's start to the last join.
 * Untimed warm-up rounds of a twentieth of the iterations each (at least one) run first, on their own threads, until
 * the JIT is done (see {@link WarmUp}); the peers do the same.
 *
 * <p>Single-use; not thread-safe.
 */
public final class ThreadTest extends SeedRun {
    static final String USAGE = "Usage: threadtest [threads [iterations [objects [work [sz]]]]] "
            + "[--entry=0xaddr] [--skip-init]";
    private static final int NUM_CLIENT = 40;

    int threads = 16;
    int iterations = 1000;
    int objects = 100000;
    int work = 0;
    int sz = 8;

    private ThreadTest(List<String> args) {
        super("threadtest", args);
    }

    /**
     * Parses the original's command line.
     *
     * @throws org.aepdsm.api.AepException EINVAL with the original's message
     */
    public static ThreadTest parse(List<String> args) {
        ThreadTest t = new ThreadTest(args);
        CArgs.read(args, USAGE, t.options::accept, (position, value) -> {
            int v = CArgs.toInt(value);
            switch (position) {
                case 0 -> t.threads = v;
                case 1 -> t.iterations = v;
                case 2 -> t.objects = v;
                case 3 -> t.work = v;
                case 4 -> t.sz = v;
                default -> throw CArgs.refuse(USAGE);
            }
        });
        if (t.threads <= 0 || t.threads >= NUM_CLIENT) {
            throw CArgs.refuse("threads must be in [1, " + (NUM_CLIENT - 1) + "]");
        }
        if (t.iterations <= 0 || t.objects <= 0 || t.sz <= 0 || t.work < 0) {
            throw CArgs.refuse("iterations, objects, and sz must be positive; work must be non-negative");
        }
        if (t.objects < t.threads) {
            throw CArgs.refuse("objects must be >= threads");
        }
        return t;
    }

    @Override
    public List<String> peerArgs() {
        return List.of(Integer.toString(threads), Integer.toString(iterations), Integer.toString(objects),
                Integer.toString(work), Integer.toString(sz));
    }

    @Override
    public Measurement run(ShadowEntry entry, PrintStream out, Progress progress) {
        EntryCalls calls = new EntryCalls(entry.onThisThread());
        out.println(String.format(Locale.ROOT,
                "Running AEP-DSM %s threadtest for %d threads, %d iterations, %d objects, %d work and %d sz...",
                Modes.of(entry), threads, iterations, objects, work, sz));
        out.flush();
        int perThread = objects / threads;
        long size = (long) sz * 8;
        AtomicLongArray passes = new AtomicLongArray(threads * 16);
        long totalPasses = (long) iterations * threads;
        long start;
        long end;
        // Untimed warm-up rounds on fresh threads, the same for the peers, until a round passes without the JIT
        // compilers doing any work; the timed span starts once they are idle. With more workers than processors
        // the compilers get little processor time while the workers run, and a single warm-up of fixed length left
        // the timed span running code still being compiled (some runs of 16 threads on 2 processors measured half
        // the throughput of others).
        int warmup = WarmUp.iterationsPerRound(iterations);
        WarmUp.run(round -> passes(calls, perThread, size, warmup, new AtomicLongArray(threads * 16)));
        try (Progress.Phase p = progress.phase("threadtest", totalPasses, "iterations", () -> sum(passes))) {
            CompilerIdle.await();
            start = System.nanoTime();
            passes(calls, perThread, size, iterations, passes);
            end = System.nanoTime();
        }
        double seconds = (end - start) / 1e9;
        double ops = (double) iterations * perThread * threads * 2.0;
        out.println(String.format(Locale.ROOT, "Time elapsed = %.6f", seconds));
        out.println(String.format(Locale.ROOT, "Total operations = %.0f", ops));
        out.println(String.format(Locale.ROOT, "Throughput = %.2f ops/sec", ops / seconds));
        out.flush();
        return new Measurement(List.of(Figure.higher("throughput", ops / seconds, "ops/sec"),
                Figure.lower("time", seconds, "s")));
    }

    private void passes(EntryCalls shared, int perThread, long size, int count, AtomicLongArray passes) {
        Workers.run("threadtest", threads, t -> {
            EntryCalls calls = shared.onThisThread();
            int client = t + 1;
            long[] handles = new long[perThread];
            for (int j = 0; j < count; j++) {
                for (int i = 0; i < perThread; i++) {
                    handles[i] = calls.malloc(client, size, 0);
                    TaskThreads.work(work);
                }
                for (int i = 0; i < perThread; i++) {
                    calls.free(client, handles[i]);
                    TaskThreads.work(work);
                }
                passes.lazySet(t * 16, j + 1);
            }
        });
    }

    private static long sum(AtomicLongArray a) {
        long s = 0;
        for (int i = 0; i < a.length(); i += 16) {
            s += a.get(i);
        }
        return s;
    }
}

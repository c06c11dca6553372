package org.aepdsm.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;

import org.aepdsm.api.AepException;
import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.bench.internal.KvKeys;
import org.aepdsm.bench.internal.PoolBytes;
import org.aepdsm.bench.internal.WarmUp;
import org.aepdsm.bench.sync.WorkerBarrier;

/**
 * kv: a shared {@link KvTable} whose nodes are allocator objects. In read-hit mode (the default) each task t
 * (client t+1) preloads keys {@code (t<<56)|(i+1)} untimed, then does {@code iterations} reads of random preloaded
 * keys, every one of which must hit with value {@code key ^ 0x9e3779b97f4a7c15}. In write mode the timed phase
 * puts the task's keys. The timed span starts when task 0 passes the first barrier after the preload and ends
 * after the last join. Untimed {@link WarmUp} rounds come first: in read-hit mode, after the preload, reads of a
 * twentieth of the iterations per task from seeds of their own; in write mode, puts of a twentieth of each task's
 * keys into a scratch table that is freed again. read_ratio is accepted and unused, as in the original. Keys,
 * values and the read sequence come from {@link KvKeys}, as the peers' do.
 *
 * <p>Single-use; not thread-safe.
 */
public final class KvBench extends SeedRun {
    static final String USAGE = "Usage: kv [threads [read_ratio [iterations]]] [--entry=0xaddr] [--skip-init]\n"
            + "  note: read_ratio is accepted for CXL-SHM CLI compatibility; "
            + "this test runs a preload phase followed by read-only hits.";
    private static final int NUM_CLIENT = 40;

    int threads = 8;
    int readRatio = 9;
    int iterations = 1000000;
    boolean writeOnly;

    private KvBench(List<String> args) {
        super("kv", args);
    }

    /**
     * Parses the original's command line.
     *
     * @throws AepException EINVAL with the original's message
     */
    public static KvBench parse(List<String> args) {
        KvBench k = new KvBench(args);
        CArgs.read(args, USAGE, a -> k.options.accept(a) || k.acceptMode(a), (position, value) -> {
            int v = CArgs.toInt(value);
            switch (position) {
                case 0 -> k.threads = v;
                case 1 -> k.readRatio = v;
                case 2 -> k.iterations = v;
                default -> throw CArgs.refuse(USAGE);
            }
        });
        if (k.threads <= 0 || k.threads >= NUM_CLIENT) {
            throw CArgs.refuse("threads must be in [1, " + (NUM_CLIENT - 1) + "]");
        }
        if (k.readRatio < 0 || k.iterations <= 0) {
            throw CArgs.refuse("read_ratio must be non-negative and iterations must be positive");
        }
        return k;
    }

    /** Takes kv's own mode flags; false for any other word. */
    private boolean acceptMode(String a) {
        if (a.equals("--mode=write") || a.equals("--write-only")) {
            writeOnly = true;
            return true;
        }
        if (a.equals("--mode=readhit")) {
            writeOnly = false;
            return true;
        }
        return false;
    }

    @Override
    public List<String> peerArgs() {
        return List.of(Integer.toString(threads), Integer.toString(readRatio), Integer.toString(iterations),
                writeOnly ? "write" : "readhit");
    }

    @Override
    public Measurement run(ShadowEntry entry, PrintStream out, Progress progress) {
        EntryCalls calls = new EntryCalls(entry.onThisThread());
        PoolBytes bytes = new PoolBytes(entry.memory());
        KvTable table = new KvTable(calls, bytes, iterations);
        if (writeOnly) {
            out.println(String.format(Locale.ROOT,
                    "Running AEP-DSM %s KV write-only test for %d threads, %d write ops/thread...",
                    Modes.of(entry), threads, iterations));
        } else {
            out.println(String.format(Locale.ROOT, "Running AEP-DSM %s KV two-phase read-hit test for %d threads, "
                    + "%d preload keys/thread, %d read ops/thread...", Modes.of(entry), threads, iterations,
                    iterations));
            out.println(String.format(Locale.ROOT,
                    "Compatibility read_ratio argument = %d (not used in read-hit phase)", readRatio));
        }
        out.flush();
        WorkerBarrier barrier = new WorkerBarrier(threads);
        AtomicLongArray done = new AtomicLongArray(threads * 16);
        long total = (long) threads * iterations;
        long[] start = new long[1];
        long end;
        int warm = WarmUp.iterationsPerRound(iterations);
        try (Progress.Phase phase = progress.phase("kv " + (writeOnly ? "writes" : "preload + reads"),
                writeOnly ? total : 2 * total, "ops", () -> sum(done))) {
            if (writeOnly) {
                WarmUp.run(round -> {
                    KvTable scratch = new KvTable(calls, bytes, warm);
                    Workers.run("kv-warm-up", threads, t -> putKeys(scratch, t, warm, null));
                    Workers.run("kv-warm-up", threads, t -> scratch.onThisThread().freePartition(t, t + 1));
                });
                table.prepare(threads);
            } else {
                Workers.run("kv-preload", threads, t -> putKeys(table, t, iterations, done));
                WarmUp.run(round -> Workers.run("kv-warm-up", threads,
                        t -> readKeys(table, KvKeys.ReadKeys.warmUp(t, round, threads, iterations), warm, t, null)));
            }
            Workers.run("kv", threads, barrier, t -> {
                barrier.await();
                if (t == 0) {
                    start[0] = System.nanoTime();
                }
                barrier.await();
                if (writeOnly) {
                    putKeys(table, t, iterations, done);
                } else {
                    readKeys(table, new KvKeys.ReadKeys(t, threads, iterations), iterations, t, done);
                }
            });
            end = System.nanoTime();
        }
        double seconds = (end - start[0]) / 1e9;
        double ops = (double) iterations * threads;
        out.println(String.format(Locale.ROOT, "Time elapsed = %.6f", seconds));
        out.println(String.format(Locale.ROOT, "Total operations = %.0f", ops));
        out.println(String.format(Locale.ROOT, "Throughput = %.2f ops/sec", ops / seconds));
        out.println(String.format(Locale.ROOT, "Throughput = %.6f MOPS", ops / 1000000.0 / seconds));
        out.flush();
        Workers.run("kv-cleanup", threads, t -> table.onThisThread().freePartition(t, t + 1));
        return new Measurement(List.of(Figure.higher("throughput", ops / seconds, "ops/sec"),
                Figure.lower("time", seconds, "s")));
    }

    /**
     * Puts task {@code t}'s first {@code count} keys as client {@code t+1}, counting them in {@code done} (when not
     * null) every 4096.
     */
    private static void putKeys(KvTable shared, int t, int count, AtomicLongArray done) {
        KvTable table = shared.onThisThread();
        int client = t + 1;
        for (int i = 0; i < count; i++) {
            long key = KvKeys.keyFor(t, i);
            table.put(client, key, KvKeys.valueFor(key));
            if (done != null && (i & 0xfff) == 0xfff) {
                done.lazySet(t * 16, i + 1);
            }
        }
        if (done != null) {
            done.lazySet(t * 16, count);
        }
    }

    /**
     * Reads {@code count} keys, each of which must hit with its value, counting them in {@code done} (when not
     * null) after the preload's {@code iterations}.
     *
     * @throws AepException the self-check failure of a miss or a wrong value
     */
    private void readKeys(KvTable table, KvKeys.ReadKeys keys, int count, int t, AtomicLongArray done) {
        long[] value = new long[1];
        for (int i = 0; i < count; i++) {
            long key = keys.next();
            if (!table.get(key, value)) {
                throw EntryCalls.selfCheck(KvKeys.missed(key));
            }
            if (value[0] != KvKeys.valueFor(key)) {
                throw EntryCalls.selfCheck(KvKeys.mismatch(key, value[0]));
            }
            if (done != null && (i & 0xfff) == 0xfff) {
                done.lazySet(t * 16, (long) iterations + i + 1);
            }
        }
        if (done != null) {
            done.lazySet(t * 16, (long) iterations + count);
        }
    }

    private static long sum(AtomicLongArray a) {
        long s = 0;
        for (int i = 0; i < a.length(); i += 16) {
            s += a.get(i);
        }
        return s;
    }
}

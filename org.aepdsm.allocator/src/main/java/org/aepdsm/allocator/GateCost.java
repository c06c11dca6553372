package org.aepdsm.allocator;

import java.util.Arrays;
import java.util.Locale;

import org.aepdsm.allocator.internal.NativeHeap;
import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.api.memory.ProtectionDomain;

/**
 * What the gate costs: MALLOC+FREE pairs of one client through the entry that enters and leaves the
 * protection domain (looking the calling thread up on each call, and through the entry the thread holds for
 * itself, {@link PoolShadowEntry#onThisThread()}), through a direct entry over the same allocator, and the C
 * library's malloc/free through FFM, interleaved round by round in one run so that all of them see the same
 * machine. Each round allocates a batch and frees it (threadtest's pattern); the reported figure is the median
 * round, in ns per pair.
 *
 * <p>Thread-safety: a measurement uses its client id alone; run it while no one else uses that client.
 */
public final class GateCost {
    private static final int BATCH = 1000;

    /**
     * The figures of one run.
     *
     * @param isolation  how the domain isolates ({@code none} makes enter/leave bookkeeping only)
     * @param gatedNs    ns per MALLOC+FREE through the isolating entry
     * @param threadNs   ns per pair through the isolating entry as the thread holds it ({@code onThisThread})
     * @param directNs   ns per pair through a direct entry
     * @param mallocNs   ns per malloc+free of the C library through FFM
     * @param enterLeave ns per bare enter+leave of the domain
     * @param pairs      pairs per figure per round
     * @param rounds     rounds measured
     */
    public record Report(String isolation, double gatedNs, double threadNs, double directNs, double mallocNs,
            double enterLeave, long pairs, int rounds) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "isolation %s; %d rounds of %d alloc+free pairs (median round):%n"
                    + "  through the entry (enter/leave):  %8.1f ns/pair%n"
                    + "  the thread's own entry:           %8.1f ns/pair%n"
                    + "  direct entry (--direct):          %8.1f ns/pair%n"
                    + "  gate cost:                        %8.1f ns/pair (x%.2f);"
                    + " the thread's own entry: %.1f (x%.2f)%n"
                    + "  bare enter+leave:                 %8.1f ns%n"
                    + "  FFM malloc+free (libc):           %8.1f ns/pair", isolation, rounds, pairs, gatedNs, threadNs,
                    directNs, gatedNs - directNs, gatedNs / directNs, threadNs - directNs, threadNs / directNs,
                    enterLeave, mallocNs);
        }
    }

    private GateCost() {
    }

    /**
     * Measures on {@code entry}'s allocator with {@code client} and objects of {@code size} bytes.
     *
     * @throws IllegalArgumentException if the entry is direct (there is no gate to measure)
     */
    public static Report measure(PoolShadowEntry entry, int client, long size, int rounds, long pairsPerRound) {
        ProtectionDomain domain = entry.domain();
        if (domain == null) {
            throw new IllegalArgumentException("the entry is in direct mode: there is no gate to measure");
        }
        PoolShadowEntry direct = new PoolShadowEntry(entry.allocator(), null, true, entry.address());
        long[] handles = new long[BATCH];
        long batches = Math.max(1, pairsPerRound / BATCH);
        ShadowEntry held = entry.onThisThread();
        double[] gated = new double[rounds];
        double[] thread = new double[rounds];
        double[] plain = new double[rounds];
        double[] libc = new double[rounds];
        double[] gate = new double[rounds];
        for (int warm = 0; warm < 3; warm++) {
            run(entry, client, size, handles, batches);
            run(held, client, size, handles, batches);
            runDirect(domain, direct, client, size, handles, batches);
            runLibc(size, handles, batches);
            enterLeave(domain, batches * BATCH);
        }
        for (int r = 0; r < rounds; r++) {
            gated[r] = run(entry, client, size, handles, batches);
            thread[r] = run(held, client, size, handles, batches);
            plain[r] = runDirect(domain, direct, client, size, handles, batches);
            libc[r] = runLibc(size, handles, batches);
            gate[r] = enterLeave(domain, batches * BATCH);
        }
        return new Report(domain.isolation().name().toLowerCase(Locale.ROOT), median(gated), median(thread),
                median(plain), median(libc), median(gate), batches * BATCH, rounds);
    }

    private static double run(ShadowEntry e, int client, long size, long[] handles, long batches) {
        long t0 = System.nanoTime();
        for (long b = 0; b < batches; b++) {
            for (int i = 0; i < BATCH; i++) {
                long h = e.call(ShadowEntry.MALLOC, client, size, 0, 0);
                if (h <= 0) {
                    throw new IllegalStateException("MALLOC of " + size + " bytes by client " + client
                            + " answered " + h);
                }
                handles[i] = h;
            }
            for (int i = 0; i < BATCH; i++) {
                long rc = e.call(ShadowEntry.FREE, client, handles[i], 0, 0);
                if (rc != 0) {
                    throw new IllegalStateException("FREE by client " + client + " answered " + rc);
                }
            }
        }
        return (double) (System.nanoTime() - t0) / (batches * BATCH);
    }

    /**
     * The direct entry's calls, all inside one enter/leave of the domain: where the hardware isolates the
     * metadata (protection keys) a call outside the domain would fault, and one enter per round is what
     * "without the gate" means.
     */
    private static double runDirect(ProtectionDomain domain, ShadowEntry direct, int client, long size,
            long[] handles, long batches) {
        Object pass = domain.enterWithPass();
        try {
            return run(direct, client, size, handles, batches);
        } finally {
            domain.leave(pass);
        }
    }

    private static double runLibc(long size, long[] handles, long batches) {
        long t0 = System.nanoTime();
        for (long b = 0; b < batches; b++) {
            for (int i = 0; i < BATCH; i++) {
                handles[i] = NativeHeap.malloc(size);
            }
            for (int i = 0; i < BATCH; i++) {
                NativeHeap.free(handles[i]);
            }
        }
        return (double) (System.nanoTime() - t0) / (batches * BATCH);
    }

    private static double enterLeave(ProtectionDomain domain, long n) {
        long t0 = System.nanoTime();
        for (long i = 0; i < n; i++) {
            domain.leave(domain.enterWithPass());
        }
        return (double) (System.nanoTime() - t0) / n;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}

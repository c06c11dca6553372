package org.aepdsm.allocator;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What became of the allocator's latest attempt to open its pool: which pool, on which backend, whether it is
 * open, and the geometry or the reason it is not. The allocator component records every attempt; the
 * {@code aep:pool} command waits here for the attempt its configuration change caused.
 *
 * <p>Thread-safety: safe from any thread; {@link #record} is serialized, readers see the latest outcome.
 */
public final class PoolState {
    /**
     * One attempt. Immutable.
     *
     * @param serial   attempts recorded before this one, plus one
     * @param poolName the pool the configuration named
     * @param backend  the backend it was opened on, empty with none active
     * @param open     whether the entry is registered over it
     * @param created  whether this process created (formatted) it rather than attached
     * @param detail   the geometry when open, else why not
     */
    public record Outcome(long serial, String poolName, String backend, boolean open, boolean created,
            String detail) {
        public Outcome {
            Objects.requireNonNull(poolName, "poolName");
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(detail, "detail");
        }
    }

    private volatile Outcome last = new Outcome(0, "", "", false, false, "no attempt yet");

    /** Records an attempt and returns it. */
    public synchronized Outcome record(String poolName, String backend, boolean open, boolean created,
            String detail) {
        Outcome o = new Outcome(last.serial() + 1, poolName, backend, open, created, detail);
        last = o;
        return o;
    }

    /** The latest attempt. */
    public Outcome last() {
        return last;
    }

    /** Waits, within {@code timeout}, for an attempt that satisfies {@code wanted}; empty-handed returns null. */
    public Outcome await(Predicate<Outcome> wanted, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Outcome o = last;
            if (wanted.test(o)) {
                return o;
            }
            if (System.nanoTime() - deadline > 0) {
                return null;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /** The geometry line of an open pool. */
    public static String geometry(AepAllocator allocator, long poolBytes) {
        PoolLayout l = allocator.layout();
        return String.format(java.util.Locale.ROOT,
                "%d bytes; %d nodes x %d clients (ids 0..%d); %d segments x %d pages of %d KiB; data area 0x%x..0x%x;"
                        + " %d mailbox slots",
                poolBytes, l.nodes(), l.topology().clientsPerNode(), l.clients() - 1, l.segments(),
                PoolLayout.PAGES_PER_SEGMENT, PoolLayout.PAGE / 1024, l.dataStart(), l.dataEnd(), l.mailboxSlots());
    }
}

package org.aepdsm.allocator;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.api.memory.SharedPool;
import org.aepdsm.api.memory.SharedPoolSpec;
import org.aepdsm.api.ownership.Topology;
import org.aepdsm.backend.os.NativeMachine;

/**
 * A client process of {@link CrossProcessCrashTest}: attaches to the /dev/shm pool args[0] and, as the clients
 * {@code [first, first+count)}, allocates, fills, frees, links, unlinks, sends to the peer clients
 * {@code [peer, peer+count)} and its own, and receives, at random with seed args[4]. Every object carries a
 * payload derived from its handle, checked whenever a client receives it. It runs until killed, or, when
 * args[5] names a stop file, until {@code extra} (args[6]) ops after that file appears; then it writes the
 * objects it holds ({@code handle owner linkedTarget} per line) to args[7] and exits 0. Exit 3: a received
 * payload was wrong; exit 4: an op answered an errno no correct allocator gives here.
 */
public final class CrashClient {
    static final long MAGIC = 0x5eed_c0de_aed5_0001L;
    static final int[] SIZES = {16, 24, 32, 64, 200, 1000, 4000, 20000, 65000, 300000};

    private CrashClient() {
    }

    /** One object this process holds. */
    static final class Held {
        final long handle;
        final int owner;
        long target;
        int referencedBy;

        Held(long handle, int owner) {
            this.handle = handle;
            this.owner = owner;
        }
    }

    static long dataOf(long handle) {
        return handle & ((1L << 48) - 1);
    }

    /** Payload words: the slot, the handle word, and six more in objects of 64 bytes or more. */
    private static long words(long size) {
        return size >= 64 ? 8 : 2;
    }

    static void fill(MemorySegment pool, long handle, long size) {
        long d = dataOf(handle);
        pool.set(ValueLayout.JAVA_LONG, d + 8, handle ^ MAGIC);
        for (long k = 2; k < words(size); k++) {
            pool.set(ValueLayout.JAVA_LONG, d + 8 * k, handle * (k + 1));
        }
    }

    /** Whether the payload of a live object is the one {@link #fill} wrote (the size is the usable one). */
    static boolean intact(MemorySegment pool, long handle, long size) {
        long d = dataOf(handle);
        if (pool.get(ValueLayout.JAVA_LONG, d + 8) != (handle ^ MAGIC)) {
            return false;
        }
        for (long k = 2; k < words(size); k++) {
            if (pool.get(ValueLayout.JAVA_LONG, d + 8 * k) != handle * (k + 1)) {
                return false;
            }
        }
        return true;
    }

    public static void main(String[] args) throws IOException {
        String poolName = args[0];
        int first = Integer.parseInt(args[1]);
        int count = Integer.parseInt(args[2]);
        int peer = Integer.parseInt(args[3]);
        SplittableRandom rnd = new SplittableRandom(Long.parseLong(args[4]));
        Path stop = args.length > 5 ? Path.of(args[5]) : null;
        long extra = args.length > 6 ? Long.parseLong(args[6]) : 0;
        Path out = args.length > 7 ? Path.of(args[7]) : null;
        NativeMachine machine = new NativeMachine(new NativeMachine.Settings(2L << 20, Path.of("/dev/shm")));
        SharedPool pool = machine.openSharedPool(new SharedPoolSpec(poolName, 0, true));
        MemorySegment mem = pool.segment();
        AepAllocator a = AepAllocator.open(mem, new Topology(1, 1), 512, true, System.out);
        if (!a.ready()) {
            System.err.println("pool " + poolName + " is not initialized");
            System.exit(5);
        }
        List<Held> held = new ArrayList<>();
        long stopAt = Long.MAX_VALUE;
        for (long op = 0; op < stopAt; op++) {
            if (stop != null && stopAt == Long.MAX_VALUE && (op & 1023) == 0 && Files.exists(stop)) {
                stopAt = op + extra;
            }
            int c = first + rnd.nextInt(count);
            int dice = rnd.nextInt(100);
            if (dice < 30 && held.size() < 150) {
                long size = SIZES[rnd.nextInt(rnd.nextInt(10) == 0 ? SIZES.length : SIZES.length - 2)];
                long h = a.call(ShadowEntry.MALLOC, c, size, 1, 0);
                if (h > 0) {
                    fill(mem, h, size);
                    held.add(new Held(h, c));
                } else if (h != AepAllocator.ENOMEM) {
                    fail(4, "MALLOC " + size + " by " + c + " answered " + h);
                }
            } else if (dice < 55 && !held.isEmpty()) {
                Held x = held.get(rnd.nextInt(held.size()));
                if (x.referencedBy > 0) {
                    continue;
                }
                if (x.target != 0) {
                    unlink(a, held, x);
                }
                expect(a.call(ShadowEntry.FREE, x.owner, x.handle, 0, 0), 0, "FREE");
                held.remove(x);
            } else if (dice < 65 && held.size() > 1) {
                Held x = held.get(rnd.nextInt(held.size()));
                Held y = held.get(rnd.nextInt(held.size()));
                if (x == y || x.target != 0 || x.owner != y.owner) {
                    continue;
                }
                expect(a.call(ShadowEntry.LINK, x.owner, x.handle, y.handle, 0), 0, "LINK");
                x.target = y.handle;
                y.referencedBy++;
            } else if (dice < 70 && !held.isEmpty()) {
                Held x = held.get(rnd.nextInt(held.size()));
                if (x.target != 0) {
                    unlink(a, held, x);
                }
            } else if (dice < 85 && !held.isEmpty()) {
                Held x = held.get(rnd.nextInt(held.size()));
                if (x.target != 0 || x.referencedBy > 0) {
                    continue;
                }
                int dst = rnd.nextBoolean() ? peer + rnd.nextInt(count) : first + rnd.nextInt(count);
                long rc = a.call(ShadowEntry.SEND, x.owner, dst, x.handle, 0);
                if (rc == 1) {
                    held.remove(x);
                } else if (rc != AepAllocator.EAGAIN) {
                    fail(4, "SEND of " + Long.toHexString(x.handle) + " answered " + rc);
                }
            } else {
                long h = a.call(ShadowEntry.RECV, c, ShadowEntry.ANY_SENDER, 0, 0);
                if (h > 0) {
                    long size = a.describe(h).orElseThrow().size();
                    if (!intact(mem, h, size) || mem.get(ValueLayout.JAVA_LONG, dataOf(h)) != 0) {
                        fail(3, "received " + Long.toHexString(h) + " with a damaged payload");
                    }
                    held.add(new Held(h, c));
                } else if (h != AepAllocator.EAGAIN) {
                    fail(4, "RECV by " + c + " answered " + h);
                }
            }
        }
        StringBuilder b = new StringBuilder();
        for (Held x : held) {
            b.append(Long.toHexString(x.handle)).append(' ').append(x.owner).append(' ')
                    .append(Long.toHexString(x.target)).append('\n');
        }
        Files.writeString(out, b.toString(), StandardCharsets.UTF_8);
        pool.close();
        machine.shutdown();
        System.exit(0);
    }

    private static void unlink(AepAllocator a, List<Held> held, Held x) {
        expect(a.call(ShadowEntry.UNLINK, x.owner, x.handle, x.target, 0), 0, "UNLINK");
        for (Held y : held) {
            if (y.handle == x.target) {
                y.referencedBy--;
            }
        }
        x.target = 0;
    }

    private static void expect(long rc, long want, String what) {
        if (rc != want) {
            fail(4, what + " answered " + rc + ", expected " + want);
        }
    }

    private static void fail(int code, String message) {
        System.err.println(message);
        System.out.flush();
        System.exit(code);
    }
}

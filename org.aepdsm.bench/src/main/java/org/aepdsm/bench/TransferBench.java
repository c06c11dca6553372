package org.aepdsm.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.entry.ShadowEntry;
import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.bench.internal.CompilerIdle;
import org.aepdsm.bench.internal.PoolBytes;
import org.aepdsm.bench.internal.WarmUp;

/**
 * transfer_bench: ownership transfer between two clients.
 *
 * <p><b>single</b>: one object of {@code object_size} bytes goes src -> dst -> src each round; the receiver checks
 * its magic and the checksum of its sequence number. Payload layout (the original's offsets; bytes 0..15 are the
 * original's reserved allocator words, left alone):
 * <pre>
 *  +16 u64 magic 0xaed5000000000001   +24 u64 seq   +32 u64 checksum_for(seq)   +40.. zeroed data
 * </pre>
 * <p><b>tree</b>: a complete binary tree of 2^(depth+1)-1 nodes built by src, children LINKed into the parent's two
 * embedded reference slots; each round only the root is sent to dst (timed), dst walks the whole tree through the
 * slots checking every node (timed), and the root goes back (untimed). Node (MALLOC 48 bytes, 2 refs):
 * <pre>
 *  +0 left slot (handle)   +8 right slot (handle)   +16 u64 index   +24 u64 checksum_for(index)
 * </pre>
 *
 * <p>Each phase first runs untimed rounds of its own loop (the peers do the same), so the figures are of compiled
 * code and the two phases compare like with like: {@link WarmUp} rounds (until the JIT compilers are done) of
 * {@value #SINGLE_WARMUP_ROUNDS} single-object round trips and of up to {@value #WARMUP_ROUNDS} rounds of the tree
 * phase; a cross-process ping-pong, whose rounds cost microseconds each, runs up to {@value #WARMUP_ROUNDS}.
 *
 * <p>Single-use; not thread-safe (the original is single-threaded and so is this).
 */
public final class TransferBench extends SeedRun {
    static final String USAGE = "Usage: transfer_bench [rounds [object_size [tree_depth]]] "
            + "[--mode=all|single|tree] [--src=N] [--dst=N] [--processes 1|2] [--entry=0xaddr] [--skip-init]";
    static final int MAX_TREE_DEPTH = 20;
    /** Most untimed warm-up rounds before each timed phase. */
    public static final int WARMUP_ROUNDS = 20000;
    /** Untimed single-object round trips before the timed ones, whatever the rounds argument. */
    public static final int SINGLE_WARMUP_ROUNDS = 200_000;
    static final long PAYLOAD_BYTES = 40;
    static final long MAGIC = 0xaed5000000000001L;
    static final long TREE_NODE_BYTES = 48;
    private static final long USER_METADATA_BYTES = 16;
    static final long OFF_MAGIC = 16;
    static final long OFF_SEQ = 24;
    static final long OFF_SUM = 32;
    private static final long OFF_LEFT = 0;
    private static final long OFF_RIGHT = 8;
    private static final long OFF_INDEX = 16;
    private static final long OFF_NODE_SUM = 24;

    int rounds = 1000000;
    long objectSize = 64;
    int treeDepth = 10;
    int src = 1;
    int dst = 2;
    String mode = "all";
    int processes = 1;
    private String sharedPool;
    private List<String> runtimeCommand;

    private TransferBench(List<String> args) {
        super("transfer_bench", args);
    }

    /**
     * Parses the original's command line.
     *
     * @throws org.aepdsm.api.AepException EINVAL with the original's message
     */
    public static TransferBench parse(List<String> args) {
        TransferBench b = new TransferBench(args);
        int positional = 0;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (b.options.accept(a)) {
                continue;
            }
            if (a.equals("--processes") || a.startsWith("--processes=")) {
                if (a.equals("--processes") && i + 1 == args.size()) {
                    throw CArgs.refuse("--processes needs a value (1 or 2)");
                }
                String v = a.equals("--processes") ? args.get(++i) : a.substring("--processes=".length());
                long n = CArgs.strtoul(v, "processes");
                if (n != 1 && n != 2) {
                    throw CArgs.refuse("--processes must be 1 or 2, not " + v);
                }
                b.processes = (int) n;
            } else if (a.startsWith("--mode=")) {
                String m = a.substring("--mode=".length());
                if (!m.equals("all") && !m.equals("single") && !m.equals("tree")) {
                    throw CArgs.refuse("invalid mode: " + m);
                }
                b.mode = m;
            } else if (a.startsWith("--src=")) {
                b.src = intArg(a.substring("--src=".length()), "src");
            } else if (a.startsWith("--dst=")) {
                b.dst = intArg(a.substring("--dst=".length()), "dst");
            } else if (a.startsWith("-")) {
                throw CArgs.refuse(USAGE);
            } else {
                long v = CArgs.strtoul(a, "argument");
                switch (positional++) {
                    case 0 -> b.rounds = CArgs.toInt(v);
                    case 1 -> b.objectSize = v;
                    case 2 -> b.treeDepth = CArgs.toInt(v);
                    default -> throw CArgs.refuse(USAGE);
                }
            }
        }
        if (b.rounds <= 0) {
            throw CArgs.refuse("rounds must be positive");
        }
        if (Long.compareUnsigned(b.objectSize, PAYLOAD_BYTES) < 0) {
            b.objectSize = PAYLOAD_BYTES;
        }
        if (b.treeDepth < 0 || b.treeDepth > MAX_TREE_DEPTH) {
            throw CArgs.refuse("tree_depth must be in [0, " + MAX_TREE_DEPTH + "]");
        }
        if (b.src <= 0 || b.dst <= 0 || b.src == b.dst) {
            throw CArgs.refuse("src and dst must be positive and different");
        }
        if (b.processes == 2 && !b.mode.equals("single")) {
            throw CArgs.refuse("--processes 2 runs only the single-object ping-pong: add --mode=single (mode is "
                    + b.mode + ")");
        }
        return b;
    }

    /** How many OS processes the single-object ping-pong runs in (1 or 2). */
    public int processes() {
        return processes;
    }

    /**
     * Checks that the entry a two-process run would use sits on a pool other processes can map, and remembers that
     * pool and the command that starts the receiver's runtime.
     *
     * @param entryProperties the chosen entry's service properties ({@code aepdsm.backend}, {@code aepdsm.pool})
     * @param runtimeCommand  supplies the command that starts a runtime; asked only when the check passes
     * @throws AepException EINVAL when the entry is not on the native backend or names no pool,
     *                                     ENOENT when no runtime jar is found
     */
    public void placeOn(Map<String, Object> entryProperties,
            Supplier<List<String>> runtimeCommand) {
        Object backend = entryProperties.get(MemoryBackend.ID_PROPERTY);
        if (!"native".equals(String.valueOf(backend))) {
            throw new AepException(Errno.EINVAL, "transfer_bench --processes 2: "
                    + "the active backend is " + (backend == null ? "unknown" : backend) + ", whose pool is not "
                    + "shared across processes; run aep:use native first");
        }
        Object pool = entryProperties.get(POOL_PROPERTY);
        if (pool == null || String.valueOf(pool).isBlank()) {
            throw new AepException(Errno.EINVAL, "transfer_bench --processes 2: "
                    + "the shadow entry names no shared pool (service property " + POOL_PROPERTY + ")");
        }
        this.sharedPool = String.valueOf(pool);
        this.runtimeCommand = List.copyOf(runtimeCommand.get());
    }

    /** The entry's service property naming its pool. */
    static final String POOL_PROPERTY = "aepdsm.pool";

    private static int intArg(String text, String name) {
        long v = CArgs.strtoul(text, name);
        if (Long.compareUnsigned(v, 0x7fffffffL) > 0) {
            throw CArgs.refuse(name + " is too large: " + text);
        }
        return (int) v;
    }

    /** The original's per-value checksum. */
    public static long checksumFor(long v) {
        return v ^ 0xaed500005eed1234L ^ (v << 17) ^ (v >>> 9);
    }

    @Override
    public List<String> peerArgs() {
        return List.of(Integer.toString(rounds), Long.toUnsignedString(objectSize), Integer.toString(treeDepth),
                mode);
    }

    @Override
    public void beforeInit(PrintStream out) {
        out.println("clients = " + src + " -> " + dst);
    }

    @Override
    public Measurement run(ShadowEntry entry, PrintStream out, Progress progress) {
        EntryCalls calls = new EntryCalls(entry.onThisThread());
        PoolBytes bytes = new PoolBytes(entry.memory());
        List<Figure> figures = new ArrayList<>();
        if (mode.equals("all") || mode.equals("single")) {
            figures.addAll(single(calls, bytes, out, progress));
        }
        if (mode.equals("all") || mode.equals("tree")) {
            figures.addAll(tree(calls, bytes, out, progress));
        }
        return new Measurement(figures);
    }

    private List<Figure> single(EntryCalls calls, PoolBytes bytes, PrintStream out, Progress progress) {
        long obj = calls.malloc(src, objectSize, 0);
        bytes.zero(obj, USER_METADATA_BYTES, objectSize - USER_METADATA_BYTES);
        bytes.setLong(obj, OFF_MAGIC, MAGIC);
        if (processes == 2) {
            return singleAcrossProcesses(calls, obj, out);
        }
        String forward = "single-object send failed: " + src + " -> " + dst;
        String back = "single-object send failed: " + dst + " -> " + src;
        int[] round = new int[1];
        long start;
        long end;
        obj = WarmUp.carry(obj, o -> singleRounds(calls, bytes, o, SINGLE_WARMUP_ROUNDS, forward, back, new int[1]));
        try (Progress.Phase p = progress.phase("transfer_bench single-object", rounds, "rounds", () -> round[0])) {
            CompilerIdle.await();
            start = System.nanoTime();
            obj = singleRounds(calls, bytes, obj, rounds, forward, back, round);
            end = System.nanoTime();
        }
        calls.free(src, obj);
        double seconds = (end - start) / 1e9;
        return singleReport(out, seconds);
    }

    /** Prints the single-object section for {@code rounds} round trips in {@code seconds}; returns its figures. */
    private List<Figure> singleReport(PrintStream out, double seconds) {
        double transfers = rounds * 2.0;
        double latency = seconds * 1000000000.0 / transfers;
        out.println("[single-object]");
        out.println("  rounds = " + rounds);
        out.println("  object_size = " + Long.toUnsignedString(objectSize));
        out.println(String.format(Locale.ROOT, "  transfers = %.0f", transfers));
        out.println(String.format(Locale.ROOT, "  time = %.6f s", seconds));
        out.println(String.format(Locale.ROOT, "  throughput = %.6f Mtransfers/sec", transfers / 1000000.0 / seconds));
        out.println(String.format(Locale.ROOT, "  latency = %.2f ns/transfer", latency));
        out.flush();
        return List.of(Figure.lower("single-object latency", latency, "ns/transfer"),
                Figure.higher("single-object throughput", transfers / 1000000.0 / seconds, "Mtransfers/sec"));
    }

    private List<Figure> singleAcrossProcesses(EntryCalls calls, long obj, PrintStream out) {
        if (sharedPool == null) {
            throw new IllegalStateException("placeOn was not called before a two-process run");
        }
        out.println("single-object: receiver (client " + dst + ") in a child runtime process on native pool "
                + sharedPool + "; this process is the sender (client " + src + ")");
        out.flush();
        CrossProcessTransfer.Result r;
        try {
            r = CrossProcessTransfer.send(calls.entry(), obj, objectSize, src, dst, warmupRounds(), rounds,
                    sharedPool, runtimeCommand);
        } finally {
            calls.free(src, obj);
        }
        List<Figure> figures = new ArrayList<>(singleReport(out, r.poolNanos() / 1e9));
        CrossProcessTransfer.print(out, r, rounds, objectSize, src, dst, sharedPool);
        figures.add(Figure.lower("tcp loopback latency (2 processes)", r.tcpNanos() / (rounds * 2.0), "ns/transfer"));
        return figures;
    }

    /**
     * Untimed rounds run before each timed loop, the same for the peers: the JVM compiles the entry's code while
     * they run, so neither timed phase pays for the other's warm-up (single-object runs first in a fresh JVM).
     */
    int warmupRounds() {
        return Math.min(rounds, WARMUP_ROUNDS);
    }

    /** {@code n} single-object round trips; returns the object's handle, back at {@code src}. */
    private long singleRounds(EntryCalls calls, PoolBytes bytes, long obj, int n, String forward, String back,
            int[] round) {
        for (int i = 0; i < n; i++) {
            bytes.setLong(obj, OFF_SEQ, i);
            bytes.setLong(obj, OFF_SUM, checksumFor(i));
            calls.send(src, dst, obj, forward);
            obj = calls.recv(dst, src);
            if (bytes.getLong(obj, OFF_MAGIC) != MAGIC
                    || bytes.getLong(obj, OFF_SUM) != checksumFor(bytes.getLong(obj, OFF_SEQ))) {
                throw EntryCalls.selfCheck("single-object payload mismatch at round " + i);
            }
            calls.send(dst, src, obj, back);
            obj = calls.recv(src, dst);
            round[0] = i + 1;
        }
        return obj;
    }

    private long buildTree(EntryCalls calls, PoolBytes bytes, int depth, long index) {
        long node = calls.malloc(src, TREE_NODE_BYTES, 2);
        bytes.setLong(node, OFF_LEFT, 0);
        bytes.setLong(node, OFF_RIGHT, 0);
        bytes.setLong(node, OFF_INDEX, index);
        bytes.setLong(node, OFF_NODE_SUM, checksumFor(index));
        if (depth == 0) {
            return node;
        }
        long left = buildTree(calls, bytes, depth - 1, index * 2);
        long right = buildTree(calls, bytes, depth - 1, index * 2 + 1);
        calls.link(src, node + OFF_LEFT, left);
        calls.link(src, node + OFF_RIGHT, right);
        return node;
    }

    /**
     * The receiver's walk of a tree in the pool: preorder, as the original's recursive {@code traverse_tree}, with
     * the same check of every node and the same fold of its checksum and index. It runs as a loop that follows
     * left children and keeps the pending right children on an explicit stack, so a node costs its four field
     * loads (the handle resolved to its pool offset once) and no call frame. A walk stops after {@code limit + 1}
     * nodes, so a damaged tree whose slots form a cycle ends in the caller's visited-count check instead of
     * running forever.
     *
     * <pre>
     *  n = root
     *  loop: while n != 0: check(n); fold(n); push(n.right if any); n = n.left
     *        n = pop() or stop
     * </pre>
     * Owned by one thread; reused across rounds, it allocates only when a tree is deeper than any before.
     */
    static final class TreeWalk {
        private final PoolBytes bytes;
        private long[] pending = new long[64];
        private long sum;

        TreeWalk(PoolBytes bytes) {
            this.bytes = bytes;
        }

        /** The fold of the last walk's nodes: XOR of {@code checksum + index} over them. */
        long sum() {
            return sum;
        }

        /**
         * Walks the tree at {@code root}.
         *
         * @return nodes visited, at most {@code limit + 1}
         * @throws org.aepdsm.api.AepException EIO naming the index of the first node, in preorder, whose checksum
         *                                     does not match
         */
        long walk(long root, long limit) {
            long[] stack = pending;
            int depth = 0;
            long fold = 0;
            long visited = 0;
            long node = root;
            while (true) {
                while (node != 0) {
                    long at = PoolBytes.offsetOf(node);
                    long index = bytes.longAt(at + OFF_INDEX);
                    long checksum = bytes.longAt(at + OFF_NODE_SUM);
                    if (checksum != checksumFor(index)) {
                        throw EntryCalls.selfCheck("tree node checksum mismatch at index "
                                + Long.toUnsignedString(index));
                    }
                    fold ^= checksum + index;
                    if (++visited > limit) {
                        sum = fold;
                        return visited;
                    }
                    long right = bytes.longAt(at + OFF_RIGHT);
                    if (right != 0) {
                        if (depth == stack.length) {
                            stack = Arrays.copyOf(stack, 2 * depth);
                            pending = stack;
                        }
                        stack[depth++] = right;
                    }
                    node = bytes.longAt(at + OFF_LEFT);
                }
                if (depth == 0) {
                    sum = fold;
                    return visited;
                }
                node = stack[--depth];
            }
        }
    }

    /** Unlinks and frees the subtrees of {@code node}, children before parents; {@code node} itself stays. */
    private void freeChildren(EntryCalls calls, PoolBytes bytes, long node) {
        for (long slot : new long[] {OFF_LEFT, OFF_RIGHT}) {
            long child = bytes.getLong(node, slot);
            if (child != 0) {
                freeChildren(calls, bytes, child);
                calls.unlink(src, node + slot, child);
                calls.free(src, child);
            }
        }
    }

    private List<Figure> tree(EntryCalls calls, PoolBytes bytes, PrintStream out, Progress progress) {
        long root = buildTree(calls, bytes, treeDepth, 1);
        long expected = (1L << (treeDepth + 1)) - 1;
        long transferNanos = 0;
        long traversalNanos = 0;
        long totalVisited = 0;
        long checksum = 0;
        TreeWalk walk = new TreeWalk(bytes);
        int[] round = new int[1];
        String forward = "tree root send failed: " + src + " -> " + dst;
        String back = "tree root return failed: " + dst + " -> " + src;
        root = WarmUp.carry(root, start -> {
            long r = start;
            for (int i = warmupRounds(); i > 0; i--) {
                calls.send(src, dst, r, forward);
                r = calls.recv(dst, src);
                long visited = walk.walk(r, expected);
                if (visited != expected) {
                    throw EntryCalls.selfCheck("tree traversal visited " + visited + " nodes, expected " + expected);
                }
                calls.send(dst, src, r, back);
                r = calls.recv(src, dst);
            }
            return r;
        });
        try (Progress.Phase p = progress.phase("transfer_bench tree", rounds, "rounds", () -> round[0])) {
            CompilerIdle.await();
            for (int i = 0; i < rounds; i++) {
                long t0 = System.nanoTime();
                calls.send(src, dst, root, forward);
                root = calls.recv(dst, src);
                long t1 = System.nanoTime();
                long visited = walk.walk(root, expected);
                long t2 = System.nanoTime();
                if (visited != expected) {
                    throw EntryCalls.selfCheck("tree traversal visited " + visited + " nodes, expected " + expected);
                }
                checksum ^= walk.sum();
                totalVisited += visited;
                transferNanos += t1 - t0;
                traversalNanos += t2 - t1;
                calls.send(dst, src, root, back);
                root = calls.recv(src, dst);
                round[0] = i + 1;
            }
        }
        freeChildren(calls, bytes, root);
        calls.free(src, root);
        double transferSeconds = transferNanos / 1e9;
        double traversalSeconds = traversalNanos / 1e9;
        double forwardLatency = transferSeconds * 1000000000.0 / rounds;
        double perNode = traversalSeconds * 1000000000.0 / totalVisited;
        out.println("[binary-tree-root-transfer]");
        out.println("  rounds = " + rounds);
        out.println("  depth = " + treeDepth);
        out.println("  nodes/tree = " + expected);
        out.println(String.format(Locale.ROOT, "  forward root transfer time = %.6f s", transferSeconds));
        out.println(String.format(Locale.ROOT, "  forward root transfer latency = %.2f ns/transfer", forwardLatency));
        out.println(String.format(Locale.ROOT, "  receiver traversal time = %.6f s", traversalSeconds));
        out.println(String.format(Locale.ROOT, "  receiver traversal latency = %.2f ns/tree",
                traversalSeconds * 1000000000.0 / rounds));
        out.println(String.format(Locale.ROOT, "  receiver traversal latency = %.2f ns/node", perNode));
        out.println("  traversal checksum = 0x" + Long.toHexString(checksum));
        out.flush();
        return List.of(Figure.lower("tree root transfer latency", forwardLatency, "ns/transfer"),
                Figure.lower("tree traversal latency", perNode, "ns/node"));
    }
}

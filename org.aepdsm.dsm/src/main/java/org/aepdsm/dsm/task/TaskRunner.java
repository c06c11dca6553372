package org.aepdsm.dsm.task;

import java.lang.reflect.InvocationTargetException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.dsm.DsmRegion;
import org.aepdsm.api.dsm.MigratableTask;
import org.aepdsm.api.dsm.TaskContext;
import org.aepdsm.api.dsm.TaskInfo;
import org.aepdsm.dsm.cluster.Frame;
import org.aepdsm.dsm.cluster.FrameType;
import org.aepdsm.dsm.cluster.GroupChannel;
import org.aepdsm.dsm.cluster.NodeDownException;
import org.aepdsm.dsm.cluster.Requests;

/**
 * Runs {@link MigratableTask}s on this node and moves them between nodes (Popcorn's process server, at
 * the granularity of explicit task state).
 *
 * <pre>
 *   run loop (one pooled platform thread per task):
 *     done = task.step(ctx)            -- a migration point after every step
 *     done?            publish TASK_INFO(done), stop
 *     target asked?    TASK_MOVE(id, class, migrations + 1, task.state()) -> target, wait for its accept
 *                      accepted: stop here (the target publishes TASK_INFO); refused or target gone: go on here
 *   TASK_MOVE at the target: load the class by name (this bundle's loader), new instance, restore(state), run
 *   every node keeps every task's latest TASK_INFO; newer = more migrations, then done over running
 * </pre>
 *
 * Errors follow Popcorn's migrate checks: unknown task ENOENT, unknown node EINVAL, already there EBUSY,
 * node down EAGAIN.
 *
 * <p>Why platform threads: a task's faults read their answers from call-link sockets on the task's own
 * thread. A virtual thread blocked on a socket is woken through the JDK's pollers and then its carrier
 * pool, hand-offs that made each migrated task's faults markedly slower on shared cores; the threads are
 * pooled because a task lands on a fresh thread at every migration.
 *
 * <p>Thread-safe; owns its task threads, stopped by {@link #close()}.
 */
public final class TaskRunner implements AutoCloseable {
    private static final int NONE = Integer.MIN_VALUE;

    private final GroupChannel channel;
    private final Requests requests;
    private final Function<String, DsmRegion> regions;
    private final ClassLoader loader;
    private final AtomicLong sequence = new AtomicLong();
    private final Map<Long, Running> local = new ConcurrentHashMap<>();
    private final Map<Long, TaskInfo> known = new ConcurrentHashMap<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(Thread.ofPlatform().daemon()
            .name("dsm-task-", 0).factory());
    private volatile boolean closed;

    private final class Running implements TaskContext {
        final long id;
        final String type;
        final MigratableTask task;
        final int migrations;
        volatile int target = NONE;

        Running(long id, String type, MigratableTask task, int migrations) {
            this.id = id;
            this.type = type;
            this.task = task;
            this.migrations = migrations;
        }

        @Override
        public int node() {
            return channel.localNode();
        }

        @Override
        public DsmRegion region(String name) {
            return regions.apply(name);
        }

        @Override
        public boolean migrationRequested() {
            return target != NONE;
        }

        @Override
        public void requestMigration(int node) {
            checkTarget(id, channel.localNode(), node);
            target = node;
        }
    }

    /**
     * @param regions opens a region by name for tasks
     * @param loader  loads task classes named in TASK_MOVE frames
     */
    public TaskRunner(GroupChannel channel, Requests requests, Function<String, DsmRegion> regions,
            ClassLoader loader) {
        this.channel = channel;
        this.requests = requests;
        this.regions = regions;
        this.loader = loader;
    }

    /** Starts a task on a node. */
    public long start(Class<? extends MigratableTask> type, byte[] state, int node) {
        if (!channel.known(node)) {
            throw new AepException(Errno.EINVAL, "node " + node + " is not a cluster member");
        }
        if (!channel.alive(node)) {
            throw new AepException(Errno.EAGAIN, "node " + node + " is down");
        }
        long id = (long) channel.localNode() * 1_000_000L + sequence.incrementAndGet();
        if (node == channel.localNode()) {
            launch(id, type.getName(), state, 0);
        } else {
            move(node, id, type.getName(), 0, state);
        }
        return id;
    }

    /** Asks a task to move to {@code node} at its next migration point. */
    public void migrate(long task, int node) {
        for (int attempt = 0;; attempt++) {
            TaskInfo info = known.get(task);
            if (info == null) {
                throw new AepException(Errno.ENOENT, "task " + task + " is unknown");
            }
            if (info.done()) {
                throw new AepException(Errno.ENOENT, "task " + task + " has finished");
            }
            checkTarget(task, info.node(), node);
            if (info.node() == channel.localNode()) {
                Running r = local.get(task);
                if (r != null) {
                    r.target = node;
                    return;
                }
            } else {
                long id = requests.nextId();
                byte[] frame = Frame.of(FrameType.TASK_MIGRATE, id).i64(task).i32(node).array();
                try {
                    requests.await(requests.call(info.node(), id, frame, null), "migration of task " + task);
                    return;
                } catch (NodeDownException e) {
                    throw new AepException(Errno.EAGAIN, "task " + task + " was on node " + info.node()
                            + ", which is down");
                } catch (AepException e) {
                    if (e.errno() != Errno.ENOENT || attempt >= 50) {
                        throw e;
                    }
                }
            }
            // the task moved on meanwhile: its new TASK_INFO is on the way
            if (attempt >= 50) {
                throw new AepException(Errno.EAGAIN, "task " + task + " keeps moving; retry");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AepException(Errno.EAGAIN, "migration of task " + task + " was interrupted");
            }
        }
    }

    private void checkTarget(long task, int current, int node) {
        if (!channel.known(node)) {
            throw new AepException(Errno.EINVAL, "node " + node + " is not a cluster member");
        }
        if (node == current) {
            throw new AepException(Errno.EBUSY, "task " + task + " already runs on node " + node);
        }
        if (!channel.alive(node)) {
            throw new AepException(Errno.EAGAIN, "node " + node + " is down");
        }
    }

    /** Every task this node has heard of, by id. */
    public List<TaskInfo> tasks() {
        List<TaskInfo> out = new ArrayList<>(known.values());
        out.sort(Comparator.comparingLong(TaskInfo::id));
        return out;
    }

    private void move(int node, long id, String type, int migrations, byte[] state) {
        long rid = requests.nextId();
        byte[] frame = Frame.of(FrameType.TASK_MOVE, rid).i64(id).str(type).i32(migrations).bytes(state).array();
        try {
            requests.await(requests.call(node, rid, frame, null), "move of task " + id + " to node " + node);
        } catch (NodeDownException e) {
            throw new AepException(Errno.EAGAIN, "node " + node + " is down");
        }
    }

    private void launch(long id, String type, byte[] state, int migrations) {
        MigratableTask task = instantiate(type);
        task.restore(state);
        Running r = new Running(id, type, task, migrations);
        local.put(id, r);
        publish(new TaskInfo(id, type, channel.localNode(), migrations, false));
        threads.execute(() -> run(r));
    }

    private MigratableTask instantiate(String type) {
        try {
            Class<?> c = Class.forName(type, true, loader);
            if (!MigratableTask.class.isAssignableFrom(c)) {
                throw new AepException(Errno.EINVAL, "class " + type + " is not a MigratableTask");
            }
            return (MigratableTask) c.getConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new AepException(Errno.EINVAL, "task class " + type + " is not available on node "
                    + channel.localNode());
        } catch (NoSuchMethodException | InstantiationException | IllegalAccessException
                | InvocationTargetException e) {
            throw new AepException(Errno.EINVAL, "task class " + type + " has no usable public no-argument "
                    + "constructor: " + e);
        }
    }

    private void run(Running r) {
        while (!closed) {
            boolean done;
            try {
                done = r.task.step(r);
            } catch (RuntimeException e) {
                System.getLogger(TaskRunner.class.getName()).log(System.Logger.Level.WARNING,
                        "task " + r.id + " (" + r.type + ") failed on node " + channel.localNode(), e);
                done = true;
            }
            if (done) {
                local.remove(r.id);
                publish(new TaskInfo(r.id, r.type, channel.localNode(), r.migrations, true));
                return;
            }
            int target = r.target;
            if (target != NONE) {
                r.target = NONE;
                try {
                    move(target, r.id, r.type, r.migrations + 1, r.task.state());
                    local.remove(r.id);
                    return;
                } catch (AepException e) {
                    System.getLogger(TaskRunner.class.getName()).log(System.Logger.Level.INFO,
                            "task " + r.id + " stays on node " + channel.localNode() + ": " + e.getMessage());
                }
            }
        }
    }

    private void publish(TaskInfo info) {
        remember(info);
        channel.broadcast(Frame.of(FrameType.TASK_INFO, 0).i64(info.id()).str(info.type()).i32(info.node())
                .i32(info.migrations()).bool(info.done()).array());
    }

    private void remember(TaskInfo info) {
        known.merge(info.id(), info, (old, now) -> now.migrations() > old.migrations()
                || now.migrations() == old.migrations() && now.done() && !old.done() ? now : old);
    }

    /** Re-announces the tasks running here, for nodes that just joined. */
    public void announce() {
        for (Running r : local.values()) {
            publish(new TaskInfo(r.id, r.type, channel.localNode(), r.migrations, false));
        }
    }

    /** Handles a task frame (positioned after its request id) on the delivery thread. */
    public void frame(byte type, int from, long id, ByteBuffer in) {
        switch (type) {
            case FrameType.TASK_MOVE -> {
                long task = in.getLong();
                String cls = Frame.str(in);
                int migrations = in.getInt();
                byte[] state = Frame.bytes(in);
                try {
                    if (closed) {
                        throw new AepException(Errno.EAGAIN, "node " + channel.localNode() + " is shutting down");
                    }
                    launch(task, cls, state, migrations);
                    requests.reply(from, id, 0, null, null);
                } catch (AepException e) {
                    requests.fail(from, id, e);
                } catch (RuntimeException e) {
                    requests.fail(from, id, new AepException(Errno.EINVAL, "task " + task + " (" + cls
                            + ") cannot be restored on node " + channel.localNode() + ": " + e));
                }
            }
            case FrameType.TASK_MIGRATE -> {
                long task = in.getLong();
                int target = in.getInt();
                Running r = local.get(task);
                if (r == null) {
                    requests.fail(from, id, new AepException(Errno.ENOENT, "task " + task + " is not on node "
                            + channel.localNode()));
                } else {
                    r.target = target;
                    requests.reply(from, id, 0, null, null);
                }
            }
            case FrameType.TASK_INFO -> remember(new TaskInfo(in.getLong(), Frame.str(in), in.getInt(), in.getInt(),
                    Frame.bool(in)));
            default -> throw new IllegalArgumentException("frame type " + type + " is no task frame");
        }
    }

    @Override
    public void close() {
        closed = true;
        threads.shutdown();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package org.aepdsm.dsm.task;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import org.aepdsm.api.AepException;
import org.aepdsm.api.dsm.DsmRegion;
import org.aepdsm.api.dsm.MigratableTask;
import org.aepdsm.api.dsm.TaskContext;
import org.aepdsm.dsm.cluster.Frame;

/**
 * The demo task: each step adds 1 to a shared total and to the counter of the node it runs on, and every
 * {@code hop} steps it asks to move to the next node of its route. Its whole state is explicit:
 *
 * <pre>
 *   state = [region str][offset i64][steps i32][done i32][hop i32][route: n i32, node i32 * n][leg i32]
 *   region at offset:        total           (steps done anywhere)
 *   region at offset+8*(1+i): steps done on route[i]
 * </pre>
 *
 * Not thread-safe (one runner thread at a time, as for every task).
 */
public final class CounterTask implements MigratableTask {
    private String region;
    private long offset;
    private int steps;
    private int done;
    private int hop;
    private int[] route;
    private int leg;

    /** The initial state of a counter task. */
    public static byte[] initialState(String region, long offset, int steps, int hop, List<Integer> route) {
        if (route.isEmpty() || steps <= 0 || hop <= 0) {
            throw new IllegalArgumentException("a counter task needs a route, steps > 0 and hop > 0");
        }
        CounterTask t = new CounterTask();
        t.region = region;
        t.offset = offset;
        t.steps = steps;
        t.hop = hop;
        t.route = route.stream().mapToInt(Integer::intValue).toArray();
        return t.state();
    }

    /** Steps the task runs in all. */
    public int steps() {
        return steps;
    }

    @Override
    public boolean step(TaskContext context) {
        DsmRegion r = context.region(region);
        r.addAndGet(offset, 1);
        int at = indexOf(context.node());
        if (at >= 0) {
            r.addAndGet(offset + 8L * (1 + at), 1);
        }
        done++;
        if (done >= steps) {
            return true;
        }
        if (done % hop == 0 && route.length > 1) {
            leg = (leg + 1) % route.length;
            int target = route[leg];
            if (target != context.node()) {
                try {
                    context.requestMigration(target);
                } catch (AepException e) {
                    // that node is down or gone: this leg stays here and the route goes on from here
                }
            }
        }
        return false;
    }

    private int indexOf(int node) {
        for (int i = 0; i < route.length; i++) {
            if (route[i] == node) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public byte[] state() {
        Frame f = Frame.body().str(region).i64(offset).i32(steps).i32(done).i32(hop).i32(route.length);
        for (int n : route) {
            f.i32(n);
        }
        return f.i32(leg).array();
    }

    @Override
    public void restore(byte[] state) {
        ByteBuffer in = ByteBuffer.wrap(state);
        region = Frame.str(in);
        offset = in.getLong();
        steps = in.getInt();
        done = in.getInt();
        hop = in.getInt();
        route = new int[in.getInt()];
        for (int i = 0; i < route.length; i++) {
            route[i] = in.getInt();
        }
        leg = in.getInt();
    }

    @Override
    public String toString() {
        return "CounterTask " + done + "/" + steps + " route " + Arrays.toString(route);
    }
}

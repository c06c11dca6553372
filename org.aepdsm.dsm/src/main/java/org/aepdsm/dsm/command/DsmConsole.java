package org.aepdsm.dsm.command;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.dsm.DsmCluster;
import org.aepdsm.api.dsm.DsmRegion;
import org.aepdsm.api.dsm.MigratableTask;
import org.aepdsm.api.dsm.NodeInfo;
import org.aepdsm.api.dsm.PageState;
import org.aepdsm.api.dsm.TaskInfo;
import org.aepdsm.dsm.task.CounterTask;

/**
 * The text behind the {@code dsm:} commands, over any {@link DsmCluster}. Plain class: the Gogo
 * component and tests use it alike. Thread-safe (stateless apart from the cluster supplier).
 */
public final class DsmConsole {
    /** The region the demo CounterTask counts in. */
    public static final String COUNTERS = "counters";
    /** Pages {@code dsm:pages} prints before it summarises the rest. */
    static final int PAGES_SHOWN = 64;

    private final Supplier<DsmCluster> cluster;

    public DsmConsole(Supplier<DsmCluster> cluster) {
        this.cluster = cluster;
    }

    private DsmCluster cluster() {
        DsmCluster c = cluster.get();
        if (c == null) {
            throw new AepException(Errno.EAGAIN, "this node is not in a DSM cluster");
        }
        return c;
    }

    public String nodes() {
        StringBuilder out = new StringBuilder(String.format("%-8s %-14s %-6s %s%n", "ID", "NAME", "LOCAL", "ALIVE"));
        for (NodeInfo n : cluster().members()) {
            out.append(String.format("%-8d %-14s %-6s %s%n", n.id(), n.name(), n.local() ? "yes" : "", n.alive()
                    ? "yes" : "no (left or failed)"));
        }
        return out.toString();
    }

    public String region(String name, long size) {
        DsmRegion r = cluster().region(name, size);
        return "region '" + r.name() + "': " + r.size() + " bytes, " + r.size() / 4096 + " pages, origin node "
                + r.origin() + (r.segment() != null ? ", userfaultfd" : "") + System.lineSeparator();
    }

    public String read(String region, String offset) {
        long off = number(offset, "offset");
        return region + "[" + off + "] = " + cluster().region(region).getLong(off) + System.lineSeparator();
    }

    public String write(String region, String offset, String value) {
        long off = number(offset, "offset");
        long v = number(value, "value");
        cluster().region(region).putLong(off, v);
        return region + "[" + off + "] := " + v + System.lineSeparator();
    }

    public String pages(String region) {
        DsmRegion r = cluster().region(region);
        long pages = r.size() / 4096;
        StringBuilder out = new StringBuilder(String.format("%-8s %-20s %-8s %s%n", "PAGE", "OWNERS", "WRITER",
                "STATE"));
        long lost = 0;
        for (long p = 0; p < pages; p++) {
            PageState s = r.pageState(p);
            if (s.lost()) {
                lost++;
            }
            if (p < PAGES_SHOWN) {
                List<Integer> owners = new ArrayList<>(s.owners());
                owners.sort(Comparator.naturalOrder());
                out.append(String.format("%-8d %-20s %-8s %s%n", p, owners, s.writer() < 0 ? "-" : s.writer(),
                        s.lost() ? "LOST" : s.writer() >= 0 ? "exclusive" : "shared"));
            }
        }
        if (pages > PAGES_SHOWN) {
            out.append("... ").append(pages - PAGES_SHOWN).append(" more pages").append(System.lineSeparator());
        }
        out.append(pages).append(" pages, ").append(lost).append(" lost").append(System.lineSeparator());
        return out.toString();
    }

    public String start(String type, int node) {
        DsmCluster c = cluster();
        Class<? extends MigratableTask> cls = taskClass(type);
        byte[] state = new byte[0];
        if (cls == CounterTask.class) {
            c.region(COUNTERS, 4096);
            List<Integer> route = c.members().stream().filter(NodeInfo::alive).map(NodeInfo::id).toList();
            state = CounterTask.initialState(COUNTERS, 0, 1000, 100, route);
        }
        long id = c.start(cls, state, node);
        return "task " + id + " (" + cls.getSimpleName() + ") started on node " + node + System.lineSeparator();
    }

    public String start(String type) {
        return start(type, cluster().localNode());
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends MigratableTask> taskClass(String type) {
        if (type.equals("CounterTask") || type.equals(CounterTask.class.getName())) {
            return CounterTask.class;
        }
        try {
            Class<?> c = Class.forName(type, false, DsmConsole.class.getClassLoader());
            if (MigratableTask.class.isAssignableFrom(c)) {
                return (Class<? extends MigratableTask>) c;
            }
            throw new AepException(Errno.EINVAL, "class " + type + " is not a MigratableTask");
        } catch (ClassNotFoundException e) {
            throw new AepException(Errno.EINVAL, "task class '" + type + "' is unknown; built in: CounterTask");
        }
    }

    public String migrate(long task, int node) {
        cluster().migrate(task, node);
        return "task " + task + " moves to node " + node + " at its next migration point" + System.lineSeparator();
    }

    public String tasks() {
        StringBuilder out = new StringBuilder(String.format("%-12s %-14s %-6s %-11s %s%n", "ID", "TYPE", "NODE",
                "MIGRATIONS", "STATE"));
        for (TaskInfo t : cluster().tasks()) {
            String simple = t.type().substring(t.type().lastIndexOf('.') + 1);
            out.append(String.format("%-12d %-14s %-6d %-11d %s%n", t.id(), simple, t.node(), t.migrations(),
                    t.done() ? "done" : "running"));
        }
        return out.toString();
    }

    private static long number(String text, String what) {
        try {
            return Long.decode(text);
        } catch (NumberFormatException e) {
            throw new AepException(Errno.EINVAL, what + " '" + text + "' is not a number");
        }
    }
}

package org.aepdsm.mmview.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.AddressSpace;
import org.aepdsm.api.memory.Mapping;
import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.api.view.Range;
import org.aepdsm.api.view.ViewException;
import org.aepdsm.api.view.ViewInfo;
import org.aepdsm.api.view.ViewSet;
import org.aepdsm.mmview.ViewBench;

/**
 * The text of the {@code view} commands over the console's view set: parses the arguments (decimal or
 * {@code 0x} hexadecimal, lengths with an optional {@code k}, {@code m} or {@code g}, addresses also as
 * {@code +offset} from the base of the address space, whose real base differs per backend), runs the
 * operation on the calling thread, and says what happened. Refusals are the view set's
 * {@link ViewException}s (errno and reason); an argument that is not a number is {@code EINVAL}.
 *
 * <p>The console thread: Gogo runs each statement on a pooled thread, so the view of "the thread
 * that typed the command" would be lost between statements. Every operation therefore runs on one
 * long-lived thread of this console, whose current view the commands change and show.
 *
 * <p>Thread-safety: may be called from any thread; operations run one at a time on the console
 * thread. Ownership: {@link #close()} ends the console thread.
 */
public final class ViewConsole implements AutoCloseable {
    private final Supplier<ViewSet> views;
    private final Supplier<MemoryBackend> backend;
    private final ExecutorService consoleThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "view-console");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param views   the console's view set ({@code ViewService.defaultViewSet()})
     * @param backend the active backend, for {@code view:bench}; null while none is
     */
    public ViewConsole(Supplier<ViewSet> views, Supplier<MemoryBackend> backend) {
        this.views = views;
        this.backend = backend;
    }

    public String create() {
        return onConsoleThread(() -> {
            long id = views.get().create();
            return "created view " + id;
        });
    }

    public String delete(String id) {
        return onConsoleThread(() -> {
            ViewSet v = views.get();
            long n = number(id, "view id");
            v.delete(n);
            for (ViewInfo i : v.views()) {
                if (i.id() == n) {
                    return "deleted view " + n + "; its memory is freed when its last thread leaves (" + i.threads()
                            + " thread(s) in it)";
                }
            }
            return "deleted view " + n + " and freed its memory";
        });
    }

    public String current() {
        return onConsoleThread(() -> {
            return "current view: " + views.get().current();
        });
    }

    public String migrate(String id) {
        return onConsoleThread(() -> {
            long n = number(id, "view id");
            long previous = views.get().migrate(n);
            return "migrated to view " + n + " (previous view: " + previous + ")";
        });
    }

    public String unshare(String address, String length) {
        return onConsoleThread(() -> {
            long a = address(address);
            long l = number(length, "length");
            views.get().unshare(a, l);
            return "unshared " + hex(a) + "+" + l + "\n" + ranges(views.get());
        });
    }

    public String share(String address, String length) {
        return onConsoleThread(() -> {
            long a = address(address);
            long l = number(length, "length");
            views.get().share(a, l);
            return "shared " + hex(a) + "+" + l + "\n" + ranges(views.get());
        });
    }

    public String switchBase() {
        return onConsoleThread(() -> {
            return "base view: " + views.get().switchBase();
        });
    }

    public String list() {
        return onConsoleThread(() -> {
            ViewSet v = views.get();
            StringBuilder out = new StringBuilder();
            out.append("this thread is in view ").append(v.current()).append("; base view ").append(v.baseId())
                    .append('\n');
            out.append(String.format(Locale.ROOT, "%6s %5s %-8s %8s %6s%n", "view", "base", "state", "threads", "space"));
            for (ViewInfo i : v.views()) {
                out.append(String.format(Locale.ROOT, "%6d %5s %-8s %8d %6d%n", i.id(), i.base() ? "*" : "",
                        i.deleted() ? "deleted" : "live", i.threads(), i.space()));
            }
            out.append(ranges(v));
            return out.toString().stripTrailing();
        });
    }

    public String write(String address, String value) {
        return onConsoleThread(() -> {
            ViewSet v = views.get();
            long a = address(address);
            long x = number(value, "value");
            AddressSpace s = v.currentSpace();
            s.putLong(a, x);
            return "view " + v.current() + ": " + hex(a) + " <- " + x;
        });
    }

    public String read(String address) {
        return onConsoleThread(() -> {
            ViewSet v = views.get();
            long a = address(address);
            long x = v.currentSpace().getLong(a);
            return "view " + v.current() + ": " + hex(a) + " = " + x + " (" + hex(x) + ")";
        });
    }

    public String bench(String maxSize, String touchLimit) {
        return onConsoleThread(() -> {
            MemoryBackend b = backend.get();
            if (b == null) {
                throw new ViewException(Errno.EINVAL, "no memory backend is active");
            }
            long max = number(maxSize, "largest size");
            long touch = number(touchLimit, "touch limit");
            List<Long> sizes = new ArrayList<>();
            for (long s : ViewBench.DEFAULT_SIZES) {
                if (s <= max) {
                    sizes.add(s);
                }
            }
            if (sizes.isEmpty()) {
                throw new ViewException(Errno.EINVAL, "largest size " + max + " is below 1 MiB");
            }
            return new ViewBench(b).run(sizes.stream().mapToLong(Long::longValue).toArray(), touch);
        });
    }

    /** Ends the console thread. */
    @Override
    public void close() {
        consoleThread.shutdownNow();
    }

    private String onConsoleThread(Callable<String> operation) {
        Future<String> f = consoleThread.submit(operation);
        try {
            return f.get();
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new ViewException(Errno.EINVAL, "interrupted while waiting for the console thread");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Every mapping split into its shared and unshared parts. */
    static String ranges(ViewSet v) {
        List<Range> unshared = v.unsharedRanges();
        StringBuilder out = new StringBuilder("ranges:\n");
        List<Mapping> mappings = v.space(v.baseId()).mappings();
        if (mappings.isEmpty()) {
            out.append("  (nothing mapped)\n");
        }
        for (Mapping m : mappings) {
            long at = m.start();
            for (Range r : unshared) {
                long lo = Math.max(r.start(), m.start());
                long hi = Math.min(r.end(), m.end());
                if (lo >= hi) {
                    continue;
                }
                if (lo > at) {
                    out.append(line(at, lo, m, "shared"));
                }
                out.append(line(lo, hi, m, "unshared"));
                at = hi;
            }
            if (at < m.end()) {
                out.append(line(at, m.end(), m, "shared"));
            }
        }
        return out.toString();
    }

    private static String line(long from, long to, Mapping m, String kind) {
        String backing = m.onDemand() ? "on demand" : "frames " + (m.firstFrame() + (from - m.start()) / 4096) + "+ "
                + m.mode().name().toLowerCase(Locale.ROOT).replace('_', '-');
        return String.format(Locale.ROOT, "  %s-%s %9s  %-8s %s, %s%n", hex(from), hex(to), size(to - from), kind,
                backing, m.protection());
    }

    private static String size(long b) {
        return b % (1L << 30) == 0 ? (b >> 30) + " GiB"
                : b % (1L << 20) == 0 ? (b >> 20) + " MiB" : b % 1024 == 0 ? (b >> 10) + " KiB" : b + " B";
    }

    /** An address: a number, or {@code +offset} from the base of the process's address space. */
    private long address(String text) {
        if (text != null && text.trim().startsWith("+")) {
            long offset = number(text.trim().substring(1), "address offset");
            return views.get().space(views.get().baseId()).base() + offset;
        }
        return number(text, "address");
    }

    /** A decimal or 0x number, with an optional k, m or g multiplier. */
    static long number(String text, String what) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (!t.startsWith("0x") && !t.isEmpty()) {
            char last = t.charAt(t.length() - 1);
            unit = switch (last) {
                case 'k' -> 1L << 10;
                case 'm' -> 1L << 20;
                case 'g' -> 1L << 30;
                default -> 1;
            };
            if (unit != 1) {
                t = t.substring(0, t.length() - 1);
            }
        }
        try {
            long v = t.startsWith("0x") ? Long.parseUnsignedLong(t.substring(2), 16)
                    : t.startsWith("-0x") ? -Long.parseLong(t.substring(3), 16) : Long.parseLong(t);
            return Math.multiplyExact(v, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ViewException(Errno.EINVAL, what + " '" + text + "' is not a number (decimal or 0x hex, "
                    + "optionally with k, m or g)");
        }
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}

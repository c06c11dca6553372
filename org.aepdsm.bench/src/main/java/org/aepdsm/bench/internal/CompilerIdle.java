package org.aepdsm.bench.internal;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.Supplier;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Waits for the JVM's just-in-time compilers to go idle before a timed phase, so the phase runs the compiled code
 * its warm-up asked for instead of sharing the processors with the compilers and running profiled code until they
 * finish. On a machine with two processors a C2 compile of a benchmark's hot loop takes tens of milliseconds, as
 * long as a short timed phase.
 *
 * <p>The compilers are idle when HotSpot's compiler queue report ({@code jcmd <pid> Compiler.queue}, read through
 * the {@code DiagnosticCommand} MBean) shows no method being compiled and none queued:
 * <pre>
 *  Current compiles:
 *  C2 CompilerThread0   537       4       a.B::step (891 bytes)      &lt;- busy: a compiler thread is at work
 *
 *  C1 compile queue:
 *  Empty
 *
 *  C2 compile queue:
 *   541       4       a.B::bname (354 bytes)                       &lt;- busy: a method waits to be compiled
 * </pre>
 * Where the report is not available (another JVM, management disabled) there is nothing to wait for.
 *
 * <p>Stateless and thread-safe.
 */
public final class CompilerIdle {
    /** Longest wait of {@link #await()}. */
    public static final long MAX_WAIT_MILLIS = 2000;

    /** Pause between two looks at the queue. */
    private static final long POLL_MILLIS = 5;

    private CompilerIdle() {
    }

    /** {@link #await(long)} for at most {@link #MAX_WAIT_MILLIS}. */
    public static boolean await() {
        return await(MAX_WAIT_MILLIS);
    }

    /**
     * Waits until the compilers are idle or {@code maxMillis} have passed, whichever is first.
     *
     * @return whether the compilers were seen idle
     */
    public static boolean await(long maxMillis) {
        return await(CompilerIdle::report, maxMillis);
    }

    /**
     * {@link #await(long)} on a given source of queue reports; a {@code null} report means there is none to read.
     */
    static boolean await(Supplier<String> reports, long maxMillis) {
        long deadline = System.nanoTime() + maxMillis * 1_000_000L;
        while (true) {
            String report = reports.get();
            if (report == null || isIdle(report)) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /**
     * Whether a compiler queue report shows no compile running and none queued: no line names a compiler thread
     * and no line is a queued task (a compile id first).
     */
    static boolean isIdle(String report) {
        for (String line : report.split("\n")) {
            String t = line.strip();
            if (t.contains("CompilerThread") || (!t.isEmpty() && Character.isDigit(t.charAt(0)))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Milliseconds the JIT compilers have spent so far, or -1 where the JVM does not tell: the difference over a
     * warm-up round says whether the round still made the compilers work.
     */
    public static long compileMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    /** The current compiler queue report, or {@code null} when this JVM has none to give. */
    static String report() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            Object r = server.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerQueue",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            return r instanceof String s ? s : null;
        } catch (JMException | RuntimeException e) {
            return null;
        }
    }
}

package org.aepdsm.console;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.aepdsm.api.AepException;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The executable jar's two modes. With a command line
 * ({@code java -jar aepdsm.jar "aep:status; aep:backends"}) it waits until the
 * runtime is up, runs each {@code ;}-separated statement, prints each result and
 * exits: 0 when all succeeded, 2 when a statement was refused with an errno
 * ({@link AepException}), 1 for any other failure; the error goes to stderr.
 * Without one it opens the interactive Gogo shell and exits when the shell ends.
 *
 * <p>Only active in a runtime started by the bnd launcher, which publishes the
 * program arguments as the service property {@code launcher.arguments}.
 * Runs on its own thread; not used concurrently.
 */
@Component(immediate = true)
public class CommandLineRunner {
    private static final long READY_TIMEOUT_MS = 30_000;
    // The process's own descriptors: System.out and System.err are Gogo's per-thread streams inside the
    // framework, and a session writing to them would write back into itself.
    private static final InputStream STDIN = new FileInputStream(FileDescriptor.in);
    private static final PrintStream STDOUT = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
    private static final PrintStream STDERR = new PrintStream(new FileOutputStream(FileDescriptor.err), true);

    @Reference
    private CommandProcessor processor;

    @Reference
    private BackendSelector selector;

    @Reference(target = "(launcher.arguments=*)", cardinality = ReferenceCardinality.OPTIONAL,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Object launcher;

    private BundleContext context;

    @Activate
    void start(BundleContext context, Map<String, Object> ignored) {
        this.context = context;
        if (launcher == null) {
            return;
        }
        String[] args = launcherArguments(context);
        Thread t = new Thread(() -> System.exit(args.length == 0 ? interactive() : runOnce(String.join(" ", args))),
                "aepdsm-command-line");
        t.start();
    }

    private static String[] launcherArguments(BundleContext context) {
        try {
            var refs = context.getServiceReferences((String) null, "(launcher.arguments=*)");
            if (refs != null && refs.length > 0 && refs[0].getProperty("launcher.arguments") instanceof String[] a) {
                return a;
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        return new String[0];
    }

    private int interactive() {
        awaitReady();
        awaitCommand("gogo:gosh");
        CommandSession session = processor.createSession(STDIN, STDOUT, STDERR);
        try {
            session.execute("gosh --login --noshutdown");
            return 0;
        } catch (Exception e) {
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            STDERR.println("shell ended: " + cause);
            return 1;
        } finally {
            session.close();
        }
    }

    /** Runs a command line as described in the class comment; returns the exit status. */
    int runOnce(String line) {
        PrintStream out = STDOUT;
        PrintStream err = STDERR;
        awaitReady();
        List<String> statements;
        try {
            statements = CommandLine.statements(line);
        } catch (AepException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        CommandSession session = processor.createSession(STDIN, out, err);
        try {
            for (String statement : statements) {
                awaitCommand(CommandLine.commandOf(statement));
                try {
                    Object result = session.execute(statement);
                    if (result != null) {
                        CharSequence text = result instanceof CharSequence cs ? cs : session.format(result, Converter.INSPECT);
                        out.println(text.toString().stripTrailing());
                    }
                    out.flush();
                } catch (Exception e) {
                    AepException aep = aepCause(e);
                    err.println("error: " + statement + ": " + (aep != null ? aep.getMessage() : describe(e)));
                    err.flush();
                    return aep != null ? 2 : 1;
                }
            }
            return 0;
        } finally {
            session.close();
        }
    }

    private static AepException aepCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AepException a) {
                return a;
            }
        }
        return null;
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    /** Waits, within a bound, for the framework to finish starting and a backend to be active. */
    private void awaitReady() {
        long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            if (context.getBundle(0).getState() == Bundle.ACTIVE && launcherReady() && selector.active().isPresent()) {
                return;
            }
            pause();
        }
    }

    /** Whether the launcher has started every bundle (it says so with {@code launcher.ready=true}). */
    private boolean launcherReady() {
        try {
            return context.getServiceReferences((String) null, "(launcher.ready=true)") != null;
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits, within a bound, until the command's service is registered (its bundle may still be starting). */
    private void awaitCommand(String command) {
        if (command == null) {
            return;
        }
        String[] sf = command.split(":", 2);
        String filter = "(&(osgi.command.scope=" + sf[0] + ")(osgi.command.function=" + sf[1] + "))";
        long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
        try {
            while (context.getServiceReferences((String) null, filter) == null
                    && System.currentTimeMillis() < deadline) {
                pause();
            }
        } catch (InvalidSyntaxException e) {
            // Not a plain scope:function; Gogo itself will report what is wrong with it.
        }
    }

    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package org.aepdsm.bench.command;

import java.io.IOException;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.bench.BackendSwitch;
import org.aepdsm.bench.BenchRunner;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Switches the backend the way {@code aep:use} does, without depending on the console or a backend bundle: the
 * selection goes to ConfigAdmin PID {@value #PID} (property {@code selected}); the switch is complete when that
 * backend alone reports {@code aepdsm.active=true} and a shadow entry with {@code aepdsm.backend=<id>} is
 * registered.
 *
 * <p>Thread-safe: the backend table is concurrent; the references are read through suppliers.
 */
final class SelectedBackend implements BackendSwitch {
    /** The console's selection PID. */
    static final String PID = "org.aepdsm.backend";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final Map<String, Boolean> activeById = new ConcurrentHashMap<>();
    private final Supplier<ConfigurationAdmin> configAdmin;
    private final Supplier<BenchRunner> runner;

    SelectedBackend(Supplier<ConfigurationAdmin> configAdmin, Supplier<BenchRunner> runner) {
        this.configAdmin = configAdmin;
        this.runner = runner;
    }

    /** Records a backend service's id and whether it is active. */
    void seen(String id, boolean active) {
        activeById.put(id, active);
    }

    /** Forgets a backend service. */
    void gone(String id) {
        activeById.remove(id);
    }

    @Override
    public String active() {
        return activeById.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).findFirst()
                .orElse(null);
    }

    @Override
    public Set<String> present() {
        return new TreeSet<>(activeById.keySet());
    }

    @Override
    public void use(String id) {
        if (!activeById.containsKey(id)) {
            throw new AepException(Errno.EINVAL, "unknown backend '" + id + "'; available: "
                    + String.join(", ", present()));
        }
        ConfigurationAdmin cm = configAdmin.get();
        if (cm == null) {
            throw new AepException(Errno.EINVAL, "cannot select backend '" + id + "': no configuration admin");
        }
        try {
            Configuration c = cm.getConfiguration(PID, "?");
            Dictionary<String, Object> props = c.getProperties();
            if (props == null) {
                props = new Hashtable<>();
            }
            props.put("selected", id);
            c.update(props);
        } catch (IOException e) {
            throw new AepException(Errno.EIO, "cannot store the selection of backend '" + id + "': "
                    + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!activeById.entrySet().stream().allMatch(e -> e.getValue() == e.getKey().equals(id))) {
            if (System.nanoTime() - deadline > 0) {
                throw new AepException(Errno.EBUSY, "backend '" + id + "' did not become active within "
                        + WAIT.toSeconds() + " s");
            }
            try {
                TimeUnit.MILLISECONDS.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AepException(Errno.EBUSY, "interrupted while switching to backend '" + id + "'");
            }
        }
        runner.get().awaitEntry(id, null, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
    }
}

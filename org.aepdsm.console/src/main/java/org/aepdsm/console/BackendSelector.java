package org.aepdsm.console;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.aepdsm.api.AepException;
import org.aepdsm.api.Errno;
import org.aepdsm.api.memory.BackendInfo;
import org.aepdsm.api.memory.MemoryBackend;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Keeps exactly one backend active: the one configuration PID {@value #PID}
 * selects, or another present one when it is missing ({@link BackendChoice}).
 * It turns backends on and off by writing {@code aepdsm.active} into their own
 * configurations; each backend's service then carries the property and logic
 * bundles rebind to the one with {@code (aepdsm.active=true)}.
 *
 * <p>Thread-safety: service events and configuration changes may arrive on any
 * thread; reconciliation runs on one private thread, in order, so ConfigAdmin is
 * never called from inside a DS callback.
 */
@Component(service = BackendSelector.class, immediate = true, configurationPid = BackendSelector.PID)
@Designate(ocd = BackendSelector.Config.class)
public class BackendSelector {
    /** The configuration PID that selects the backend. */
    public static final String PID = "org.aepdsm.backend";

    /** Configuration of the selection. */
    @ObjectClassDefinition(name = "AEP-DSM backend selection",
            description = "Which memory backend is active in this runtime")
    public @interface Config {
        @AttributeDefinition(name = "Selected backend", description = "sim (simulated machine) or native (Linux through FFM)")
        String selected() default BackendChoice.DEFAULT;
    }

    private final Map<String, Present> present = new ConcurrentHashMap<>();
    private final ExecutorService reconciler = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "aepdsm-backend-selector");
        t.setDaemon(true);
        return t;
    });
    private volatile String selected = BackendChoice.DEFAULT;
    private volatile boolean running;

    @Reference
    private ConfigurationAdmin configAdmin;

    private record Present(MemoryBackend backend, boolean active) {
    }

    @Activate
    @Modified
    void configure(Config config) {
        selected = config.selected().trim();
        running = true;
        reconcileLater();
    }

    @Deactivate
    void stop() {
        running = false;
        reconciler.shutdownNow();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "unbindBackend", updated = "updatedBackend")
    void bindBackend(MemoryBackend backend, Map<String, Object> props) {
        present.put(idOf(backend, props), new Present(backend, isActive(props)));
        reconcileLater();
    }

    void updatedBackend(MemoryBackend backend, Map<String, Object> props) {
        bindBackend(backend, props);
    }

    void unbindBackend(MemoryBackend backend, Map<String, Object> props) {
        present.values().removeIf(p -> p.backend() == backend);
        reconcileLater();
    }

    private static String idOf(MemoryBackend backend, Map<String, Object> props) {
        Object id = props.get(MemoryBackend.ID_PROPERTY);
        return id != null ? id.toString() : backend.id();
    }

    private static boolean isActive(Map<String, Object> props) {
        return Boolean.parseBoolean(String.valueOf(props.get("aepdsm.active")));
    }

    private void reconcileLater() {
        if (running) {
            reconciler.execute(this::reconcile);
        }
    }

    private void reconcile() {
        Optional<String> want = BackendChoice.activeFor(selected, present.keySet());
        // Switch the others off before switching the wanted one on, so that two are never active at once.
        for (Map.Entry<String, Present> e : present.entrySet()) {
            if (e.getValue().active() && !Optional.of(e.getKey()).equals(want)) {
                writeActive(e.getKey(), false);
            }
        }
        want.ifPresent(id -> {
            Present p = present.get(id);
            if (p != null && !p.active()) {
                writeActive(id, true);
            }
        });
    }

    private void writeActive(String id, boolean active) {
        try {
            // "?" keeps the configuration usable by the backend's bundle rather than binding it to this one.
            Configuration c = configAdmin.getConfiguration(BackendChoice.pidOf(id), "?");
            Dictionary<String, Object> props = c.getProperties();
            if (props == null) {
                props = new Hashtable<>();
            }
            if (Boolean.valueOf(active).equals(props.get("aepdsm.active"))
                    && present.containsKey(id) && present.get(id).active() == active) {
                return;
            }
            props.put("aepdsm.active", active);
            c.update(props);
        } catch (IOException | IllegalStateException e) {
            System.getLogger(BackendSelector.class.getName()).log(System.Logger.Level.ERROR,
                    "cannot switch backend " + id + (active ? " on" : " off"), e);
        }
    }

    /** The id the configuration selects. */
    public String selected() {
        return selected;
    }

    /** The present backends, by id, with their state. */
    public List<BackendStatus> backends() {
        List<BackendStatus> list = new ArrayList<>();
        present.forEach((id, p) -> list.add(new BackendStatus(id, p.active(), id.equals(selected), infoOf(p.backend()))));
        list.sort(Comparator.comparing(BackendStatus::id));
        return list;
    }

    private static BackendInfo infoOf(MemoryBackend backend) {
        try {
            return backend.info();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The backend whose service says it is active. */
    public Optional<MemoryBackend> active() {
        return present.values().stream().filter(Present::active).map(Present::backend).findFirst();
    }

    /**
     * Selects a backend and waits until it is the active one.
     *
     * @throws AepException {@code EINVAL} for an id no running bundle provides, {@code EBUSY} if the
     *                      switch did not complete within the timeout
     */
    public void use(String id, Duration timeout) {
        if (!present.containsKey(id)) {
            throw new AepException(Errno.EINVAL, "unknown backend '" + id + "'; available: "
                    + String.join(", ", present.keySet().stream().sorted().toList()));
        }
        try {
            Configuration c = configAdmin.getConfiguration(PID, "?");
            Dictionary<String, Object> props = c.getProperties();
            if (props == null) {
                props = new Hashtable<>();
            }
            props.put("selected", id);
            c.update(props);
        } catch (IOException e) {
            throw new AepException(Errno.EIO, "cannot store the selection of backend '" + id + "': " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isOnlyActive(id)) {
            if (System.nanoTime() > deadline) {
                throw new AepException(Errno.EBUSY, "backend '" + id + "' did not become active within "
                        + timeout.toSeconds() + " s");
            }
            try {
                TimeUnit.MILLISECONDS.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AepException(Errno.EBUSY, "interrupted while switching to backend '" + id + "'");
            }
        }
    }

    private boolean isOnlyActive(String id) {
        return present.entrySet().stream().allMatch(e -> e.getValue().active() == e.getKey().equals(id));
    }
}

package org.aepdsm.console;

import java.time.Duration;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Gogo commands of scope {@code aep} that manage the backend: {@code backends},
 * {@code use}, {@code status}. Thread-safe (stateless over the selector).
 */
@Component(service = BackendCommands.class, property = {
    "osgi.command.scope=aep",
    "osgi.command.function=backends",
    "osgi.command.function=use",
    "osgi.command.function=status"})
public class BackendCommands {
    private static final Duration SWITCH_TIMEOUT = Duration.ofSeconds(30);

    @Reference
    private BackendSelector selector;

    /** Lists the backends. */
    @Descriptor("list the memory backends: which is active, their isolation and capabilities")
    public String backends() {
        return ConsoleText.backends(selector.backends(), selector.selected());
    }

    /** Switches the active backend. */
    @Descriptor("switch the active memory backend at runtime; objects made on the old one become stale (ESTALE)")
    public String use(@Descriptor("backend id: sim or native") String id) {
        selector.use(id, SWITCH_TIMEOUT);
        return "active backend: " + id;
    }

    /** Shows the active backend's state. */
    @Descriptor("show the active backend: nodes, frame pools, address spaces")
    public String status() {
        return ConsoleText.status(selector.active().orElse(null), selector.selected());
    }
}

package org.aepdsm.mmview.command;

import org.aepdsm.api.memory.MemoryBackend;
import org.aepdsm.api.view.ViewService;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The Gogo commands of scope {@code view}, over the console's "process"
 * ({@link ViewService#defaultViewSet()}); the shell's thread is the thread whose current view changes.
 * Delegates to {@link ViewConsole}. Thread-safe.
 */
@Component(service = ViewCommands.class, immediate = true, property = {"osgi.command.scope=view",
        "osgi.command.function=create", "osgi.command.function=delete", "osgi.command.function=current",
        "osgi.command.function=migrate", "osgi.command.function=unshare", "osgi.command.function=share",
        "osgi.command.function=switchbase", "osgi.command.function=list", "osgi.command.function=write",
        "osgi.command.function=read", "osgi.command.function=bench"})
public final class ViewCommands {
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(aepdsm.active=true)")
    private volatile MemoryBackend backend;

    private final ViewConsole console;

    @Activate
    public ViewCommands(@Reference(name = "views") ViewService views) {
        this.console = new ViewConsole(views::defaultViewSet, () -> backend);
    }

    @Deactivate
    void deactivate() {
        console.close();
    }

    @Descriptor("CREATE: a new view of the process, in sync with it; prints its id (this thread stays in its view)")
    public String create() {
        return console.create();
    }

    @Descriptor("DELETE: marks a view deleted; its memory is freed when its last thread leaves "
            + "(EPERM for the base view, EINVAL for an unknown id)")
    public String delete(@Descriptor("view id") String id) {
        return console.delete(id);
    }

    @Descriptor("CURRENT: this thread's view id")
    public String current() {
        return console.current();
    }

    @Descriptor("MIGRATE: moves this thread to a view; prints the previous view (EINVAL for an unknown id)")
    public String migrate(@Descriptor("view id") String id) {
        return console.migrate(id);
    }

    @Descriptor("UNSHARE: makes the pages of a range copy-on-write per view; only while a single view exists "
            + "(EPERM), address aligned to 4096 (EINVAL), no shared mapping of frames in it (EACCES)")
    public String unshare(@Descriptor("address (0x hex or decimal, or +offset from the base of the space)") String address,
            @Descriptor("length in bytes (k, m, g allowed); rounded up to pages") String length) {
        return console.unshare(address, length);
    }

    @Descriptor("SHARE: makes the pages of a range shared by every view again; only while a single view exists")
    public String share(@Descriptor("address (0x hex or decimal, or +offset from the base of the space)") String address,
            @Descriptor("length in bytes (k, m, g allowed); rounded up to pages") String length) {
        return console.share(address, length);
    }

    @Descriptor("SWITCH_BASE: makes this thread's view the base, so the old base can be deleted; prints its id")
    public String switchbase() {
        return console.switchBase();
    }

    @Descriptor("lists the views (base, deleted, threads in each) and the shared and unshared ranges")
    public String list() {
        return console.list();
    }

    @Descriptor("stores a long at an 8-byte aligned address through this thread's view")
    public String write(@Descriptor("address (0x hex or decimal, or +offset from the base of the space)") String address,
            @Descriptor("value (decimal or 0x hex)") String value) {
        return console.write(address, value);
    }

    @Descriptor("loads the long at an 8-byte aligned address through this thread's view")
    public String read(@Descriptor("address (0x hex or decimal, or +offset from the base of the space)") String address) {
        return console.read(address);
    }

    @Descriptor("measures CREATE against a fork-style copy as the mapped size grows (1 MiB up to --max), "
            + "MIGRATE, and the first store in an unshared range, on the active backend")
    public String bench(
            @Descriptor("largest mapped size (default 4g)")
            @Parameter(names = {"-m", "--max"}, absentValue = "4g") String max,
            @Descriptor("most bytes made present per size (default 1g; also bounded by the pool)")
            @Parameter(names = {"-t", "--touch"}, absentValue = "1g") String touch) {
        return console.bench(max, touch);
    }
}

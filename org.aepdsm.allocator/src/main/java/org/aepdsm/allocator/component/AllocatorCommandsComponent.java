package org.aepdsm.allocator.component;

import org.aepdsm.allocator.AepCommands;
import org.aepdsm.allocator.PoolShadowEntry;
import org.aepdsm.api.entry.ShadowEntry;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The {@code aep:} Gogo commands of the allocator; each delegates to {@link AepCommands}.
 *
 * <p>Thread-safety: the entry reference is volatile; commands follow the entry's rules.
 */
@Component(service = AllocatorCommandsComponent.class, property = {"osgi.command.scope=aep",
    "osgi.command.function=alloc", "osgi.command.function=free", "osgi.command.function=link",
    "osgi.command.function=unlink", "osgi.command.function=send", "osgi.command.function=recv",
    "osgi.command.function=stats", "osgi.command.function=bitmap", "osgi.command.function=fsck",
    "osgi.command.function=recover"})
public final class AllocatorCommandsComponent {
    private volatile PoolShadowEntry entry;
    private final AepCommands commands = new AepCommands(() -> entry);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, service = PoolShadowEntry.class)
    void bindEntry(PoolShadowEntry e) {
        entry = e;
    }

    void unbindEntry(PoolShadowEntry e) {
        if (entry == e) {
            entry = null;
        }
    }

    @Descriptor("allocate an object through the shadow entry; prints its handle")
    public String alloc(@Descriptor("client id") int client, @Descriptor("size in bytes") long size) {
        return commands.alloc(client, size, 0);
    }

    @Descriptor("allocate an object whose first words are zeroed reference slots; prints its handle")
    public String alloc(@Descriptor("client id") int client, @Descriptor("size in bytes") long size,
            @Descriptor("number of 8-byte reference slots") int refs) {
        return commands.alloc(client, size, refs);
    }

    @Descriptor("free an object the client owns")
    public String free(@Descriptor("client id") int client, @Descriptor("handle, 0x hex") String handle) {
        return commands.free(client, handle);
    }

    @Descriptor("store a reference in a slot of the client's object and count it")
    public String link(@Descriptor("client id") int client, @Descriptor("slot address, 0x hex") String slot,
            @Descriptor("target handle, 0x hex") String target) {
        return commands.link(client, slot, target);
    }

    @Descriptor("clear a reference slot and uncount its target")
    public String unlink(@Descriptor("client id") int client, @Descriptor("slot address, 0x hex") String slot,
            @Descriptor("target handle stored there, 0x hex") String target) {
        return commands.unlink(client, slot, target);
    }

    @Descriptor("move an object to another client's mailbox")
    public String send(@Descriptor("sending client id") int client, @Descriptor("destination client id") int dst,
            @Descriptor("handle, 0x hex") String handle) {
        return commands.send(client, dst, handle);
    }

    @Descriptor("take the oldest message from any sender")
    public String recv(@Descriptor("receiving client id") int client) {
        return commands.recv(client, ShadowEntry.ANY_SENDER);
    }

    @Descriptor("take the oldest message from one sender")
    public String recv(@Descriptor("receiving client id") int client, @Descriptor("sending client id") long source) {
        return commands.recv(client, source);
    }

    @Descriptor("calls per op, bytes in use, live objects and metadata overhead")
    public String stats() {
        return commands.stats();
    }

    @Descriptor("print the allocated blocks of every segment")
    public String bitmap() {
        return commands.bitmap();
    }

    @Descriptor("check the whole pool for leaks, double ownership and corruption")
    public String fsck() {
        return commands.fsck();
    }

    @Descriptor("replay a client's redo log and reclaim its unreferenced objects (-1: every client)")
    public String recover(@Descriptor("client id, or -1 for all") long client) {
        return commands.recover(client);
    }
}

package org.aepdsm.allocator.component;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the AEP-DSM allocator (PID {@code org.aepdsm.allocator}). */
@ObjectClassDefinition(id = "org.aepdsm.allocator", name = "AEP-DSM allocator",
        description = "The allocator behind the shadow entry and the shared pool it lives in")
public @interface AllocatorConfiguration {
    @AttributeDefinition(description = "Name of the shared pool opened on the active backend")
    String poolName() default "aepdsm-pool";

    @AttributeDefinition(description = "Size of the shared pool in MiB when it is created")
    int poolMiB() default 2048;

    @AttributeDefinition(description = "Nodes sharing the pool")
    int nodes() default 2;

    @AttributeDefinition(description = "Clients on each node; client c is on node c / clientsPerNode")
    int clientsPerNode() default 20;

    @AttributeDefinition(description = "Slots of each mailbox ring (a power of two)")
    int mailboxSlots() default 512;

    @AttributeDefinition(description = "Attach to a pool another process initialized instead of formatting it")
    boolean skipInit() default false;

    @AttributeDefinition(description = "Call the allocator without entering the protection domain (debugging)")
    boolean direct() default false;

    @AttributeDefinition(description = "Address of this entry instance, 0x hex")
    String entry() default "0xffffe8fffd801000";
}

package org.aepdsm.bench.command;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the bench commands (PID {@code org.aepdsm.bench}).
 */
@ObjectClassDefinition(name = "AEP-DSM benchmarks", description = "Where results go and how peers run")
public @interface BenchConfig {
    /** Directory for results JSON and PNG charts, relative to the working directory unless absolute. */
    @AttributeDefinition(description = "results directory (JSON and PNG); --out=DIR overrides it per run")
    String outputDir() default "results";

    /** Heap of the peer JVM. */
    @AttributeDefinition(description = "maximum heap of the child JVM that measures peers, as -Xmx takes it")
    String peerHeap() default "6g";

    /** Longest a peer JVM may run. */
    @AttributeDefinition(description = "seconds a peer JVM may run before it is stopped")
    long peerTimeoutSeconds() default 3600;

    /** Period of progress lines. */
    @AttributeDefinition(description = "seconds between progress lines during long phases (0: none)")
    long progressSeconds() default 5;

    /** Where the peer jars are unpacked; empty for the temporary directory. */
    @AttributeDefinition(description = "directory the peer jars are copied to (empty: java.io.tmpdir)")
    String peerCache() default "";
}

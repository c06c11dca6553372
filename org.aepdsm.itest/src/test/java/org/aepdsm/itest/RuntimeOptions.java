package org.aepdsm.itest;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.util.List;

import org.ops4j.pax.exam.Option;

/**
 * The bundles of the AEP-DSM runtime as Pax Exam options: third-party bundles from
 * the local Maven repository, the project's own from their {@code target/} jars.
 */
final class RuntimeOptions {
    /** The project's bundles, by symbolic name (= module folder). */
    static final List<String> PROJECT_BUNDLES = List.of(
            "org.aepdsm.api", "org.aepdsm.console", "org.aepdsm.backend.sim", "org.aepdsm.backend.native",
            "org.aepdsm.paging", "org.aepdsm.allocator", "org.aepdsm.dsm", "org.aepdsm.morsel", "org.aepdsm.bench", "org.aepdsm.mmview");

    private RuntimeOptions() {
    }

    static Option[] all() {
        String root = System.getProperty("aepdsm.root");
        String v = System.getProperty("aepdsm.version");
        Option[] project = PROJECT_BUNDLES.stream()
                .map(b -> bundle("file:" + root + "/" + b + "/target/" + b + "-" + v + ".jar"))
                .toArray(Option[]::new);
        return options(
                mavenBundle("org.osgi", "org.osgi.util.function", "1.2.0"),
                mavenBundle("org.osgi", "org.osgi.util.promise", "1.3.0"),
                mavenBundle("org.osgi", "org.osgi.service.component", "1.5.1"),
                mavenBundle("org.apache.felix", "org.apache.felix.scr", "2.2.18"),
                mavenBundle("org.apache.felix", "org.apache.felix.configadmin", "1.9.26"),
                mavenBundle("org.osgi", "org.osgi.service.log", "1.5.0"),
                mavenBundle("org.apache.felix", "org.apache.felix.log", "1.3.0"),
                mavenBundle("org.apache.felix", "org.apache.felix.metatype", "1.2.4"),
                mavenBundle("org.apache.felix", "org.apache.felix.gogo.runtime", "1.1.6"),
                mavenBundle("org.apache.felix", "org.apache.felix.gogo.command", "1.1.2"),
                composite(project),
                systemProperty("gosh.args").value("--nointeractive --noshutdown"),
                junitBundles(),
                cleanCaches());
    }
}

package org.aepdsm.dsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.aepdsm.api.dsm.DsmCluster;
import org.apache.felix.framework.FrameworkFactory;
import org.apache.felix.service.command.Descriptor;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;

/**
 * The built bundle (its bnd manifest over target/classes, JGroups unrolled inside) resolves and starts in
 * a bare Felix with only the API, the Gogo runtime and SCR (installed to satisfy the DS extender
 * requirement, not started, so the component does not join the default cluster) next to it, and the
 * embedded JGroups forms a cluster from inside the bundle's class loader.
 */
class BundleResolvesTest {
    @Test
    void theBundleResolvesInFelixAndItsEmbeddedJGroupsJoinsACluster() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "felix-test"));
        Path dsm = jar(Path.of("target", "classes"), work.resolve("org.aepdsm.dsm.jar"));
        Path api = jarOf(DsmCluster.class, work.resolve("org.aepdsm.api.jar"));
        Path gogo = jarOf(Descriptor.class, work.resolve("gogo.runtime.jar"));
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, work.resolve("cache").toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        Framework framework = new FrameworkFactory().newFramework(config);
        framework.start();
        try {
            BundleContext context = framework.getBundleContext();
            Bundle apiBundle = context.installBundle(api.toUri().toString());
            Bundle gogoBundle = context.installBundle(gogo.toUri().toString());
            for (String type : List.of("org.apache.felix.scr.info.ScrInfo",
                    "org.osgi.service.component.ComponentContext", "org.osgi.util.promise.Promise",
                    "org.osgi.util.function.Function")) {
                Path jar = jarOf(Class.forName(type), work.resolve(type + ".jar"));
                context.installBundle(jar.toUri().toString());
            }
            Bundle bundle = context.installBundle(dsm.toUri().toString());
            apiBundle.start();
            gogoBundle.start();
            bundle.start();
            assertEquals(Bundle.ACTIVE, bundle.getState(), "org.aepdsm.dsm is active");
            assertNull(bundle.getHeaders().get(Constants.EXPORT_PACKAGE), "exports nothing");

            Class<?> configType = bundle.loadClass("org.aepdsm.dsm.cluster.ClusterConfig");
            Class<?> nodeType = bundle.loadClass("org.aepdsm.dsm.coherence.DsmNode");
            Object cfg = configType.getMethod("sharedLoopback", String.class, int.class)
                    .invoke(null, "felix-" + ProcessHandle.current().pid(), 1);
            Object node = nodeType.getMethod("join", configType).invoke(null, cfg);
            try {
                Method live = nodeType.getMethod("liveNodes");
                assertEquals(List.of(1), live.invoke(node));
                Object region = nodeType.getMethod("region", String.class, long.class).invoke(node, "felix", 4096L);
                region.getClass().getMethod("putLong", long.class, long.class).invoke(region, 8L, 5L);
                assertEquals(5L, region.getClass().getMethod("getLong", long.class).invoke(region, 8L));
            } finally {
                nodeType.getMethod("close").invoke(node);
            }
        } finally {
            framework.stop();
            framework.waitForStop(10_000);
        }
    }

    /** The jar a class came from, or a jar made of the class folder it came from. */
    private static Path jarOf(Class<?> type, Path out) throws IOException, URISyntaxException {
        Path location = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        return Files.isDirectory(location) ? jar(location, out) : location;
    }

    private static Path jar(Path classes, Path out) throws IOException {
        Manifest manifest;
        try (InputStream in = Files.newInputStream(classes.resolve("META-INF/MANIFEST.MF"))) {
            manifest = new Manifest(in);
        }
        try (OutputStream file = Files.newOutputStream(out);
                JarOutputStream jar = new JarOutputStream(file, manifest);
                Stream<Path> files = Files.walk(classes)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                String name = classes.relativize(p).toString().replace('\\', '/');
                if (name.equals("META-INF/MANIFEST.MF")) {
                    continue;
                }
                jar.putNextEntry(new JarEntry(name));
                Files.copy(p, jar);
                jar.closeEntry();
            }
        }
        return out;
    }
}

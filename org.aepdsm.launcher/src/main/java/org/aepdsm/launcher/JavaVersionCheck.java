package org.aepdsm.launcher;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * Stops the executable jar with one clear message and exit status 1 when the JVM is older than the bundles need.
 * Without it an older JVM starts the framework, every AEP-DSM bundle fails to resolve on its {@code osgi.ee}
 * requirement, and the launcher stays up without a console.
 *
 * <p>The bnd launcher starts this activator right after the framework is initialised and before any bundle
 * starts (see {@link #IMMEDIATE}). The class is compiled for Java 8 so that old JVMs can load it.
 */
public final class JavaVersionCheck implements BundleActivator {
    /** The launcher phase this activator runs in: after the framework is initialised, before bundles start. */
    public static final String IMMEDIATE = "AFTER_FRAMEWORK_INIT";
    /** The oldest Java feature release the bundles run on. */
    public static final int REQUIRED = 25;

    @Override
    public void start(BundleContext context) {
        String refusal = refusal(System.getProperty("java.specification.version"), System.getProperty("java.home"),
                REQUIRED);
        if (refusal != null) {
            System.err.println(refusal);
            System.err.flush();
            System.exit(1);
        }
    }

    @Override
    public void stop(BundleContext context) {
        // nothing to undo
    }

    /**
     * The message refusing this JVM, or null when it is new enough.
     *
     * @param specVersion the JVM's {@code java.specification.version} ("1.8", "17", "25", ...)
     * @param javaHome    the JVM's {@code java.home}, named in the message
     * @param required    the oldest feature release accepted
     */
    public static String refusal(String specVersion, String javaHome, int required) {
        int feature = feature(specVersion);
        if (feature >= required) {
            return null;
        }
        return "AEP-DSM needs Java " + required + " or newer; this is Java "
                + (specVersion == null ? "(unknown version)" : specVersion) + " at " + javaHome
                + ". Run it with a JDK " + required + ", e.g. "
                + "export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; \"$JAVA_HOME/bin/java\" -jar aepdsm.jar";
    }

    /**
     * The feature release of a Java version string: "1.8" and "1.8.0_392" are 8, "17" and "17.0.15" are 17;
     * -1 when unreadable.
     */
    public static int feature(String specVersion) {
        if (specVersion == null) {
            return -1;
        }
        String v = specVersion.startsWith("1.") ? specVersion.substring(2) : specVersion;
        int end = 0;
        while (end < v.length() && Character.isDigit(v.charAt(end))) {
            end++;
        }
        if (end == 0 || end > 9) {
            return -1;
        }
        return Integer.parseInt(v.substring(0, end));
    }
}

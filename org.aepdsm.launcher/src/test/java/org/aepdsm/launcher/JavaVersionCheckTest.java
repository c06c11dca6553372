package org.aepdsm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JavaVersionCheckTest {
    @Test
    void olderJvmIsRefusedWithItsVersionHomeAndTheFix() {
        String m = JavaVersionCheck.refusal("17", "/usr/lib/jvm/java-17-openjdk-amd64", 25);
        assertNotNull(m);
        assertTrue(m.contains("Java 25 or newer"), m);
        assertTrue(m.contains("Java 17 at /usr/lib/jvm/java-17-openjdk-amd64"), m);
        assertTrue(m.contains("JAVA_HOME"), m);
    }

    @Test
    void requiredAndNewerReleasesPass() {
        assertNull(JavaVersionCheck.refusal("25", "/jdk25", 25));
        assertNull(JavaVersionCheck.refusal("26", "/jdk26", 25));
        assertNull(JavaVersionCheck.refusal(System.getProperty("java.specification.version"),
                System.getProperty("java.home"), JavaVersionCheck.REQUIRED), "the JVM running the build");
    }

    @Test
    void legacyAndUnreadableVersionsAreRefused() {
        assertEquals(8, JavaVersionCheck.feature("1.8"));
        assertEquals(24, JavaVersionCheck.feature("24"));
        assertEquals(8, JavaVersionCheck.feature("1.8.0_392"));
        assertEquals(17, JavaVersionCheck.feature("17.0.15"));
        assertEquals(-1, JavaVersionCheck.feature("x"));
        assertEquals(-1, JavaVersionCheck.feature(null));
        assertNotNull(JavaVersionCheck.refusal("1.8", "/jre8", 25));
        assertTrue(JavaVersionCheck.refusal(null, "/jvm", 25).contains("(unknown version)"));
    }

    @Test
    void activatorRunsBeforeBundlesStart() {
        assertEquals("AFTER_FRAMEWORK_INIT", JavaVersionCheck.IMMEDIATE);
    }
}

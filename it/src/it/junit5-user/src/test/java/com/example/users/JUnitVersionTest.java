package com.example.users;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Checks that Surefire runs the JUnit version that this build chose. */
class JUnitVersionTest {
    private static final String EXPECTED = System.getProperty("expected.junit.version");

    @Test
    void jupiterApiHasExpectedVersion() {
        assertEquals(EXPECTED, versionOf(ExtensionContext.class));
    }

    @Test
    void jupiterEngineHasExpectedVersion() throws Exception {
        assertEquals(EXPECTED, versionOf(Class.forName(
                "org.junit.jupiter.engine.JupiterTestEngine")));
    }

    @Test
    void platformEngineMatchesJupiter() throws Exception {
        // JUnit 5.x.y ships platform 1.x.y, and JUnit 6 ships both under one version.
        String platform = EXPECTED.startsWith("5.") ? "1." + EXPECTED.substring(2) : EXPECTED;
        assertEquals(platform, versionOf(Class.forName(
                "org.junit.platform.engine.TestEngine")));
    }

    private static String versionOf(Class<?> type) {
        return type.getPackage().getImplementationVersion();
    }
}

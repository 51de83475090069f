package io.storagedriver.junit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.storagedriver.client.DriverClient;
import io.storagedriver.junit.testdrivers.ClasspathEchoDriver;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** Covers {@link StorageDriverConfiguration#CLASSPATH}, the class path of a main-class driver. */
class ClasspathConfigurationTest {
    private static final String ECHO = ClasspathEchoDriver.class.getName();
    private static final String REPORTED = "driver java.class.path";

    @Test
    void configuredClasspathReachesDriverJvm() throws Exception {
        String classpath = joined(echoDriverClasspath());
        EngineExecutionResults results = FixtureRuns.run(Map.of(
                StorageDriverConfiguration.MAIN_CLASS, ECHO,
                StorageDriverConfiguration.CLASSPATH, classpath), ConfiguredEchoFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
        assertEquals(List.of(classpath), FixtureRuns.reported(results, REPORTED));
    }

    @Test
    void classpathAppliesToAnnotatedMainClass() throws Exception {
        String classpath = joined(echoDriverClasspath());
        EngineExecutionResults results = FixtureRuns.run(
                Map.of(StorageDriverConfiguration.CLASSPATH, classpath),
                AnnotatedEchoFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
        assertEquals(List.of(classpath), FixtureRuns.reported(results, REPORTED));
    }

    @Test
    void relativeEntriesBecomeAbsolute() throws Exception {
        List<Path> entries = echoDriverClasspath();
        Path workingDirectory = Path.of("").toAbsolutePath();
        List<Path> relative = new ArrayList<>();
        for (Path entry : entries) {
            relative.add(workingDirectory.relativize(entry));
        }
        EngineExecutionResults results = FixtureRuns.run(Map.of(
                StorageDriverConfiguration.MAIN_CLASS, ECHO,
                StorageDriverConfiguration.CLASSPATH, joined(relative)),
                ConfiguredEchoFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
        List<String> reported = FixtureRuns.reported(results, REPORTED);
        assertEquals(1, reported.size());
        List<Path> started = new ArrayList<>();
        for (String entry : reported.get(0).split(File.pathSeparator)) {
            Path path = Path.of(entry);
            assertTrue(path.isAbsolute(), entry + " is relative");
            started.add(path.normalize());
        }
        assertEquals(entries, started);
    }

    @Test
    void emptyClasspathKeepsThisJvmClasspath() {
        EngineExecutionResults results = FixtureRuns.run(Map.of(
                StorageDriverConfiguration.MAIN_CLASS, ECHO,
                StorageDriverConfiguration.CLASSPATH, " "), ConfiguredEchoFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
        // The client skips the empty entries of java.class.path, such as a trailing separator.
        List<String> ownEntries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                ownEntries.add(entry);
            }
        }
        assertEquals(List.of(String.join(File.pathSeparator, ownEntries)),
                FixtureRuns.reported(results, REPORTED));
    }

    @Test
    @ResourceLock(Resources.SYSTEM_PROPERTIES)
    void systemPropertySetsClasspath() throws Exception {
        String classpath = joined(echoDriverClasspath());
        String previous = System.setProperty(StorageDriverConfiguration.CLASSPATH, classpath);
        try {
            EngineExecutionResults results = FixtureRuns.run(
                    Map.of(StorageDriverConfiguration.MAIN_CLASS, ECHO),
                    ConfiguredEchoFixture.class);

            results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
            assertEquals(List.of(classpath), FixtureRuns.reported(results, REPORTED));
        } finally {
            if (previous == null) {
                System.clearProperty(StorageDriverConfiguration.CLASSPATH);
            } else {
                System.setProperty(StorageDriverConfiguration.CLASSPATH, previous);
            }
        }
    }

    @Test
    void classpathWithoutMainClassFailsClass(@TempDir Path empty) {
        EngineExecutionResults results = FixtureRuns.run(Map.of(
                StorageDriverConfiguration.MAIN_CLASS, ECHO,
                StorageDriverConfiguration.CLASSPATH, empty.toString()),
                ConfiguredEchoFixture.class);

        assertClassFailed(results, m -> m.contains(ECHO)
                && m.contains("Could not find or load main class")
                && m.contains(StorageDriverConfiguration.CLASSPATH + ": " + empty));
    }

    @Test
    void invalidClasspathEntryFailsClass() {
        EngineExecutionResults results = FixtureRuns.run(Map.of(
                StorageDriverConfiguration.MAIN_CLASS, ECHO,
                StorageDriverConfiguration.CLASSPATH, "lib/a.jar" + File.pathSeparator + "b\0c"),
                ConfiguredEchoFixture.class);

        assertClassFailed(results, m -> m.contains(StorageDriverConfiguration.CLASSPATH)
                && m.contains("not a valid path"));
    }

    @Test
    void classpathIgnoredForNamedDriver(@TempDir Path empty) {
        EngineExecutionResults results = FixtureRuns.run(Map.of(
                StorageDriverConfiguration.NAME, "inmemory",
                StorageDriverConfiguration.CLASSPATH, empty.toString()),
                RoundTripFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
    }

    private static void assertClassFailed(
            EngineExecutionResults results, Predicate<String> expected) {
        results.containerEvents().assertThatEvents().haveExactly(1,
                event(container(ConfiguredEchoFixture.class),
                        finishedWithFailure(message(expected))));
        results.testEvents().assertStatistics(stats -> stats.started(0));
    }

    private static String joined(List<Path> entries) {
        List<String> texts = new ArrayList<>();
        for (Path entry : entries) {
            texts.add(entry.toString());
        }
        return String.join(File.pathSeparator, texts);
    }

    /** Returns the jars or folders of the echo driver and of the libraries it needs. */
    private static List<Path> echoDriverClasspath()
            throws URISyntaxException, ClassNotFoundException {
        List<Path> entries = new ArrayList<>();
        for (String name : List.of(ECHO, "io.storagedriver.drivers.InMemoryDriver",
                "com.fasterxml.jackson.databind.ObjectMapper",
                "com.fasterxml.jackson.core.JsonFactory",
                "com.fasterxml.jackson.annotation.JsonProperty", "org.slf4j.LoggerFactory",
                "org.newsclub.net.unix.AFUNIXSocket",
                "org.newsclub.lib.junixsocket.common.NarMetadata")) {
            Path entry = Path.of(Class.forName(name).getProtectionDomain().getCodeSource()
                    .getLocation().toURI());
            if (!entries.contains(entry)) {
                entries.add(entry);
            }
        }
        return entries;
    }

    static void reportClasspath(DriverClient driver, TestReporter reporter) {
        byte[] content = driver.getContent(ClasspathEchoDriver.CLASSPATH_FILE);
        reporter.publishEntry(REPORTED, new String(content, StandardCharsets.UTF_8));
    }

    @WithStorageDriver
    static class ConfiguredEchoFixture {
        @Test
        void reportsClasspath(DriverClient driver, TestReporter reporter) {
            reportClasspath(driver, reporter);
        }
    }

    @WithStorageDriver
    static class RoundTripFixture {
        @Test
        void roundTrips(DriverClient driver) {
            driver.putContent("/x", new byte[] {7});
            assertArrayEquals(new byte[] {7}, driver.getContent("/x"));
        }
    }

    @WithStorageDriver(mainClass = "io.storagedriver.junit.testdrivers.ClasspathEchoDriver")
    static class AnnotatedEchoFixture {
        @Test
        void reportsClasspath(DriverClient driver, TestReporter reporter) {
            reportClasspath(driver, reporter);
        }
    }
}

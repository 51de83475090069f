package io.storagedriver.junit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.storagedriver.DriverTimeoutException;
import io.storagedriver.StorageDriver;
import io.storagedriver.client.DriverClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;
import org.junit.platform.testkit.engine.EngineExecutionResults;

class ConfigurationTest {
    private static final String IN_MEMORY_CLASS = "io.storagedriver.drivers.InMemoryDriver";
    private static final String SLOW_CLASS = "io.storagedriver.junit.testdrivers.SlowDriver";

    @Test
    void configurationParameterReplacesAnnotatedDriver() {
        EngineExecutionResults results = FixtureRuns.run(
                Map.of(StorageDriverConfiguration.NAME, "inmemory"), MissingDriverFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
        assertEquals("inmemory", FixtureRuns.reported(results, "driver name").get(0));
    }

    @Test
    @ResourceLock(Resources.SYSTEM_PROPERTIES)
    void systemPropertyReplacesAnnotatedDriver() {
        String previous = System.setProperty(StorageDriverConfiguration.MAIN_CLASS,
                IN_MEMORY_CLASS);
        try {
            EngineExecutionResults results = FixtureRuns.run(MissingDriverFixture.class);

            results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
        } finally {
            restore(StorageDriverConfiguration.MAIN_CLASS, previous);
        }
    }

    @Test
    void configurationSuppliesUnnamedDriver() {
        EngineExecutionResults results = FixtureRuns.run(
                Map.of(StorageDriverConfiguration.MAIN_CLASS, IN_MEMORY_CLASS),
                UnnamedDriverFixture.class, ExtendWithFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(2).succeeded(2));
    }

    @Test
    void missingConfigurationFailsClass() {
        EngineExecutionResults results =
                FixtureRuns.run(UnnamedDriverFixture.class, ExtendWithFixture.class);

        Predicate<String> explains = m -> m.contains("no driver is configured")
                && m.contains(StorageDriverConfiguration.NAME)
                && m.contains(StorageDriverConfiguration.EXECUTABLE)
                && m.contains(StorageDriverConfiguration.MAIN_CLASS);
        results.containerEvents().assertThatEvents()
                .haveExactly(1, event(container(UnnamedDriverFixture.class),
                        finishedWithFailure(message(explains))))
                .haveExactly(1, event(container(ExtendWithFixture.class),
                        finishedWithFailure(message(explains))));
        results.testEvents().assertStatistics(stats -> stats.started(0));
    }

    @Test
    void configuredParametersResolvePlaceholders(@TempDir Path root) throws Exception {
        Path storage = root.resolve("storage");
        EngineExecutionResults results = FixtureRuns.run(Map.of(
                StorageDriverConfiguration.NAME, "filesystem",
                StorageDriverConfiguration.PARAMETERS, "rootdirectory=" + storage),
                UnnamedDriverFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
        assertTrue(Files.isDirectory(storage), storage + " was not used as the driver's root");
    }

    @Test
    void configuredParametersAddToAnnotatedDriver() {
        EngineExecutionResults results = FixtureRuns.run(
                Map.of(StorageDriverConfiguration.PARAMETERS, "rootdirectory=${tempdir}"),
                FilesystemWithoutRootFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
        assertEquals(1, FixtureRuns.reported(results, "storagedriver.tempdir").size());
    }

    @Test
    @ResourceLock(Resources.SYSTEM_PROPERTIES)
    void systemPropertyPlaceholderIsResolved(@TempDir Path root) throws Exception {
        String previous = System.setProperty("storagedriver.test.root", root.toString());
        try {
            EngineExecutionResults results = FixtureRuns.run(SystemPropertyFixture.class);

            results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
        } finally {
            restore("storagedriver.test.root", previous);
        }
        try (var files = Files.walk(root)) {
            assertTrue(files.anyMatch(Files::isRegularFile),
                    "the driver stored nothing below " + root);
        }
    }

    @Test
    void unsetVariableFailsNamingPlaceholder() {
        EngineExecutionResults results = FixtureRuns.run(UnsetVariableFixture.class);

        assertClassFailed(results, UnsetVariableFixture.class,
                m -> m.contains("${env:STORAGEDRIVER_TEST_SURELY_UNSET}")
                        && m.contains("\"token\"") && m.contains("environment variable"));
    }

    @Test
    void unknownPlaceholderFailsClass() {
        EngineExecutionResults results = FixtureRuns.run(UnknownPlaceholderFixture.class);

        assertClassFailed(results, UnknownPlaceholderFixture.class,
                m -> m.contains("${home}") && m.contains("${tempdir}"));
    }

    @Test
    void malformedParameterHidesValue() {
        EngineExecutionResults results = FixtureRuns.run(MalformedParameterFixture.class);

        assertClassFailed(results, MalformedParameterFixture.class,
                m -> m.contains("number 2") && m.contains("key=value")
                        && !m.contains("s3cr3t"));
    }

    @Test
    void malformedAnnotationParameterSaysNothingOfCommas() {
        EngineExecutionResults results = FixtureRuns.run(MalformedParameterFixture.class);

        assertClassFailed(results, MalformedParameterFixture.class,
                m -> m.contains("@WithStorageDriver") && !m.contains("commas"));
    }

    @Test
    void repeatedParameterFailsClass() {
        EngineExecutionResults results = FixtureRuns.run(RepeatedParameterFixture.class);

        assertClassFailed(results, RepeatedParameterFixture.class,
                m -> m.contains("\"rootdirectory\" is given twice") && !m.contains("/tmp/one"));
    }

    @Test
    void configuredParameterReplacesAnnotatedOne(@TempDir Path root) throws Exception {
        Path storage = root.resolve("configured");
        EngineExecutionResults results = FixtureRuns.run(
                Map.of(StorageDriverConfiguration.PARAMETERS, "rootdirectory=" + storage),
                RepeatedByConfigurationFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
        assertTrue(Files.isDirectory(storage), storage + " was not used as the driver's root");
    }

    @Test
    void twoSourcesFailClass() {
        EngineExecutionResults results = FixtureRuns.run(TwoSourcesFixture.class);

        assertClassFailed(results, TwoSourcesFixture.class,
                m -> m.contains("name = \"inmemory\"") && m.contains("exactly one"));
    }

    @Test
    void twoConfiguredSourcesFailClass() {
        EngineExecutionResults results = FixtureRuns.run(Map.of(
                StorageDriverConfiguration.NAME, "inmemory",
                StorageDriverConfiguration.MAIN_CLASS, IN_MEMORY_CLASS),
                UnnamedDriverFixture.class);

        assertClassFailed(results, UnnamedDriverFixture.class,
                m -> m.contains(StorageDriverConfiguration.NAME + "=inmemory")
                        && m.contains("only one"));
    }

    @Test
    void perMethodStaticFieldFailsClass() {
        EngineExecutionResults results = FixtureRuns.run(PerMethodStaticFieldFixture.class);

        assertClassFailed(results, PerMethodStaticFieldFixture.class,
                m -> m.contains("PerMethodStaticFieldFixture.shared")
                        && m.contains("PER_METHOD"));
    }

    @Test
    void configuredStartTimeoutReplacesAnnotation() {
        EngineExecutionResults results = FixtureRuns.run(
                Map.of(StorageDriverConfiguration.START_TIMEOUT, "1"), SlowStartFixture.class);

        assertClassFailed(results, SlowStartFixture.class,
                m -> m.contains("did not finish its handshake within 1000 ms")
                        && m.contains("The start timeout is 1 second;")
                        && m.contains(StorageDriverConfiguration.START_TIMEOUT));
    }

    @Test
    void configuredCallTimeoutReplacesAnnotation() {
        EngineExecutionResults results = FixtureRuns.run(
                Map.of(StorageDriverConfiguration.CALL_TIMEOUT, "1"), SlowCallFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
    }

    @Test
    void invalidTimeoutFailsClass() {
        EngineExecutionResults results = FixtureRuns.run(
                Map.of(StorageDriverConfiguration.START_TIMEOUT, "soon"),
                MissingDriverFixture.class);

        assertClassFailed(results, MissingDriverFixture.class,
                m -> m.contains(StorageDriverConfiguration.START_TIMEOUT) && m.contains("\"soon\"")
                        && m.contains("whole number of seconds"));
    }

    private static void assertClassFailed(
            EngineExecutionResults results, Class<?> fixture, Predicate<String> expected) {
        results.containerEvents().assertThatEvents().haveExactly(1,
                event(container(fixture), finishedWithFailure(message(expected))));
        results.testEvents().assertStatistics(stats -> stats.started(0));
    }

    private static void restore(String key, String previous) {
        if (previous == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, previous);
        }
    }

    @WithStorageDriver(name = "no-such-driver-for-configuration-tests")
    static class MissingDriverFixture {
        @Test
        void works(DriverClient driver, TestReporter reporter) {
            driver.putContent("/x", new byte[] {4});
            assertArrayEquals(new byte[] {4}, driver.getContent("/x"));
            reporter.publishEntry("driver name", driver.name());
        }
    }

    @WithStorageDriver
    static class UnnamedDriverFixture {
        @Test
        void works(DriverClient driver) {
            driver.putContent("/configured", new byte[] {1});
        }
    }

    @ExtendWith(StorageDriverExtension.class)
    static class ExtendWithFixture {
        @Test
        void works(DriverClient driver) {
            driver.putContent("/configured", new byte[] {1});
        }
    }

    @WithStorageDriver(name = "filesystem")
    static class FilesystemWithoutRootFixture {
        @Test
        void writes(DriverClient driver) {
            driver.putContent("/stored/file", new byte[] {1});
        }
    }

    @WithStorageDriver(name = "filesystem",
            parameters = "rootdirectory=${sys:storagedriver.test.root}")
    static class SystemPropertyFixture {
        @Test
        void writes(DriverClient driver) {
            driver.putContent("/stored/file", new byte[] {1});
        }
    }

    @WithStorageDriver(name = "inmemory",
            parameters = "token=${env:STORAGEDRIVER_TEST_SURELY_UNSET}")
    static class UnsetVariableFixture {
        @Test
        void neverRuns() {}
    }

    @WithStorageDriver(name = "inmemory", parameters = "root=${home}/x")
    static class UnknownPlaceholderFixture {
        @Test
        void neverRuns() {}
    }

    @WithStorageDriver(name = "inmemory", parameters = {"a=b", "s3cr3t"})
    static class MalformedParameterFixture {
        @Test
        void neverRuns() {}
    }

    @WithStorageDriver(name = "filesystem",
            parameters = {"rootdirectory=/tmp/one", "rootdirectory=/tmp/two"})
    static class RepeatedParameterFixture {
        @Test
        void neverRuns() {}
    }

    @WithStorageDriver(name = "filesystem", parameters = "rootdirectory=${tempdir}")
    static class RepeatedByConfigurationFixture {
        @Test
        void stores(StorageDriver driver) throws Exception {
            driver.putContent("/a", new byte[] {1});
        }
    }

    /** Its handshake takes 30 seconds, far longer than its own start timeout of 20. */
    @WithStorageDriver(mainClass = SLOW_CLASS, parameters = "startdelay=30",
            startTimeoutSeconds = 20, stopTimeoutSeconds = 1)
    static class SlowStartFixture {
        @Test
        void neverRuns() {}
    }

    /** Its getContent takes 5 seconds, within its own call timeout of 60. */
    @WithStorageDriver(mainClass = SLOW_CLASS, parameters = "calldelay=5",
            callTimeoutSeconds = 60)
    static class SlowCallFixture {
        @Test
        void timesOut(DriverClient driver) {
            assertThrows(DriverTimeoutException.class, () -> driver.getContent("/slow"));
        }
    }

    @WithStorageDriver(name = "inmemory", mainClass = IN_MEMORY_CLASS)
    static class TwoSourcesFixture {
        @Test
        void neverRuns() {}
    }

    @WithStorageDriver(name = "inmemory", lifecycle = WithStorageDriver.Lifecycle.PER_METHOD)
    static class PerMethodStaticFieldFixture {
        @StorageDriverClient
        static DriverClient shared;

        @Test
        void neverRuns() {}
    }
}

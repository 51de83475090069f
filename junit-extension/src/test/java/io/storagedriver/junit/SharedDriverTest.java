package io.storagedriver.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.storagedriver.StorageDriverException;
import io.storagedriver.client.DriverClient;
import io.storagedriver.junit.testdrivers.ChattyDriver;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * Covers the driver that only configuration names: one driver, in the root context, for every
 * class of a run.
 */
class SharedDriverTest {
    private static final Map<String, String> IN_MEMORY = Map.of(
            StorageDriverConfiguration.MAIN_CLASS, "io.storagedriver.drivers.InMemoryDriver");
    private static final String CHATTY = ChattyDriver.class.getName();

    @Test
    void configuredDriverSharedByClasses() throws Exception {
        EngineExecutionResults results =
                FixtureRuns.run(IN_MEMORY, FirstFixture.class, SecondFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(4).succeeded(4));
        List<Long> pids = FixtureRuns.pids(results);
        assertEquals(4, pids.size(), "pids published by the tests");
        assertEquals(1, new HashSet<>(pids).size(), "distinct pids among " + pids);
        assertEquals(1, FixtureRuns.reported(results, "storagedriver.started").size());
        assertTrue(FixtureRuns.exited(pids.get(0), Duration.ofSeconds(10)),
                "driver process " + pids.get(0) + " still running after the run");
    }

    @Test
    void laterClassSeesEarlierFiles() {
        Map<String, String> configuration = new HashMap<>(IN_MEMORY);
        configuration.put("junit.jupiter.testclass.order.default",
                ClassOrderer.OrderAnnotation.class.getName());
        EngineExecutionResults results =
                FixtureRuns.run(configuration, ReadingFixture.class, WritingFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(2).succeeded(2));
    }

    @Test
    void annotatedClassKeepsOwnDriver() {
        EngineExecutionResults results = FixtureRuns.run(IN_MEMORY,
                FirstFixture.class, SecondFixture.class, NamedFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(6).succeeded(6));
        Set<String> sharedPids = new HashSet<>(FixtureRuns.reported(results, "pid"));
        Set<String> namedPids = new HashSet<>(FixtureRuns.reported(results, "named pid"));
        assertEquals(1, sharedPids.size(), "pids of the configured driver: " + sharedPids);
        assertEquals(1, namedPids.size(), "pids of the annotated class: " + namedPids);
        assertNotEquals(sharedPids, namedPids);
    }

    @Test
    void differentTimeoutsGetSeparateDrivers() {
        EngineExecutionResults results =
                FixtureRuns.run(IN_MEMORY, FirstFixture.class, TimeoutMarkerFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(4).succeeded(4));
        assertEquals(2, new HashSet<>(FixtureRuns.pids(results)).size(),
                "distinct pids among " + FixtureRuns.pids(results));
    }

    @Test
    void concurrentClassesShareConfiguredDriver() {
        Map<String, String> configuration = new HashMap<>(IN_MEMORY);
        configuration.put("junit.jupiter.execution.parallel.enabled", "true");
        configuration.put("junit.jupiter.execution.parallel.mode.default", "concurrent");
        configuration.put("junit.jupiter.execution.parallel.mode.classes.default", "concurrent");
        configuration.put("junit.jupiter.execution.parallel.config.strategy", "fixed");
        configuration.put("junit.jupiter.execution.parallel.config.fixed.parallelism", "2");
        EngineExecutionResults results = FixtureRuns.run(configuration,
                FirstConcurrentFixture.class, SecondConcurrentFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(2).succeeded(2));
        assertEquals(1, FixtureRuns.reported(results, "storagedriver.started").size());
        assertEquals(1, new HashSet<>(FixtureRuns.pids(results)).size(),
                "distinct pids among " + FixtureRuns.pids(results));
    }

    @Test
    void failureCarriesSharedDriverStderr() {
        EngineExecutionResults results = FixtureRuns.run(
                Map.of(StorageDriverConfiguration.MAIN_CLASS, CHATTY),
                FirstFixture.class, FailingFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(3).succeeded(2).failed(1));
        Throwable failure = FixtureRuns.failureOf(results, "fails");
        List<Throwable> attached = Arrays.stream(failure.getSuppressed())
                .filter(s -> s instanceof StderrAttachment.DriverStderr)
                .toList();
        assertEquals(1, attached.size(), Arrays.toString(failure.getSuppressed()));
        FixtureRuns.assertContains(attached.get(0).getMessage(),
                "chatty driver stored /shared-failure", "is running");
    }

    @Test
    void crashFailsOneTestAndAbortsLaterOnes() {
        Map<String, String> configuration = new HashMap<>(Map.of(
                StorageDriverConfiguration.MAIN_CLASS, CHATTY,
                "junit.jupiter.testclass.order.default",
                ClassOrderer.OrderAnnotation.class.getName()));
        EngineExecutionResults results = FixtureRuns.run(configuration,
                LaterFixture.class, CrashingFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(3).failed(1).aborted(2));
        assertEquals(0, results.containerEvents().failed().count(), FixtureRuns.describe(results));
        Throwable failure = FixtureRuns.failureOf(results, "crashes");
        assertInstanceOf(StorageDriverException.class, failure);
        String reason = "driver chatty exited (exit code " + ChattyDriver.CRASH_STATUS
                + ") during CrashingFixture.crashes(); not run";
        List<String> reasons = results.testEvents().aborted().stream()
                .map(event -> event.getPayload(TestExecutionResult.class).orElseThrow()
                        .getThrowable().orElseThrow().getMessage())
                .toList();
        assertEquals(List.of(reason, reason), reasons);
    }

    @Test
    void startFailureFailsEveryClass() {
        EngineExecutionResults results = FixtureRuns.run(
                Map.of(StorageDriverConfiguration.NAME, "no-such-driver-for-shared-tests"),
                FirstFixture.class, SecondFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(0));
        assertEquals(2, results.containerEvents().failed().count(), FixtureRuns.describe(results));
        FixtureRuns.assertContains(FixtureRuns.failureOf(results, "FirstFixture").getMessage(),
                "no-such-driver-for-shared-tests");
        FixtureRuns.assertContains(FixtureRuns.failureOf(results, "SecondFixture").getMessage(),
                "no-such-driver-for-shared-tests");
    }

    static void publishPid(TestReporter reporter, DriverClient driver) {
        reporter.publishEntry("pid", Long.toString(driver.pid()));
    }

    @WithStorageDriver
    static class FirstFixture {
        @Test
        void first(DriverClient driver, TestReporter reporter) {
            publishPid(reporter, driver);
        }

        @Test
        void second(DriverClient driver, TestReporter reporter) {
            publishPid(reporter, driver);
        }
    }

    @ExtendWith(StorageDriverExtension.class)
    static class SecondFixture {
        @StorageDriverClient
        static DriverClient shared;

        @Test
        void first(DriverClient driver, TestReporter reporter) {
            assertEquals(shared, driver);
            publishPid(reporter, driver);
        }

        @Test
        void second(DriverClient driver, TestReporter reporter) {
            publishPid(reporter, driver);
        }
    }

    @WithStorageDriver(name = "inmemory")
    static class NamedFixture {
        @Test
        void first(DriverClient driver, TestReporter reporter) {
            reporter.publishEntry("named pid", Long.toString(driver.pid()));
        }

        @Test
        void second(DriverClient driver, TestReporter reporter) {
            reporter.publishEntry("named pid", Long.toString(driver.pid()));
        }
    }

    @WithStorageDriver(callTimeoutSeconds = 60)
    static class TimeoutMarkerFixture {
        @Test
        void first(DriverClient driver, TestReporter reporter) {
            publishPid(reporter, driver);
        }

        @Test
        void second(DriverClient driver, TestReporter reporter) {
            publishPid(reporter, driver);
        }
    }

    @WithStorageDriver
    @Order(1)
    static class WritingFixture {
        @Test
        void writes(DriverClient driver) {
            driver.putContent("/written-by-first-class", new byte[] {5});
        }
    }

    @WithStorageDriver
    @Order(2)
    static class ReadingFixture {
        @Test
        void reads(DriverClient driver) {
            assertEquals(1, driver.getContent("/written-by-first-class").length);
        }
    }

    /**
     * Holds each class in {@code beforeAll}, before the storage driver extension runs, until both
     * classes reach it, so that both request the shared driver at about the same time.
     */
    static final class BothClassesStarting implements BeforeAllCallback {
        static final CyclicBarrier BARRIER = new CyclicBarrier(2);

        @Override
        public void beforeAll(ExtensionContext context) throws Exception {
            try {
                BARRIER.await(20, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                BARRIER.reset();
            }
        }
    }

    @ExtendWith(BothClassesStarting.class)
    @WithStorageDriver
    static class FirstConcurrentFixture {
        @Test
        void test(DriverClient driver, TestReporter reporter) {
            publishPid(reporter, driver);
        }
    }

    @ExtendWith(BothClassesStarting.class)
    @WithStorageDriver
    static class SecondConcurrentFixture {
        @Test
        void test(DriverClient driver, TestReporter reporter) {
            publishPid(reporter, driver);
        }
    }

    @WithStorageDriver
    @Order(1)
    static class CrashingFixture {
        @Test
        void crashes(DriverClient driver) {
            driver.getContent("/crash");
        }
    }

    @WithStorageDriver
    @Order(2)
    static class LaterFixture {
        @Test
        void first(DriverClient driver) {
            driver.putContent("/later", new byte[] {1});
        }

        @Test
        void second(DriverClient driver) {
            driver.putContent("/later", new byte[] {2});
        }
    }

    @WithStorageDriver
    static class FailingFixture {
        @Test
        void fails(DriverClient driver) throws Exception {
            driver.putContent("/shared-failure", new byte[] {1});
            StderrAttachmentTest.awaitStderr(driver, "stored /shared-failure");
            fail("failing on purpose");
        }
    }
}

package io.storagedriver.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.storagedriver.client.DriverClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;

class LifecycleTest {
    private static final Map<String, String> PARALLEL = Map.of(
            "junit.jupiter.execution.parallel.enabled", "true",
            "junit.jupiter.execution.parallel.mode.default", "concurrent",
            "junit.jupiter.execution.parallel.mode.classes.default", "concurrent",
            "junit.jupiter.execution.parallel.config.strategy", "fixed",
            "junit.jupiter.execution.parallel.config.fixed.parallelism", "4");

    @Test
    void perClassDriverSharedThenStopped() throws Exception {
        EngineExecutionResults results = FixtureRuns.run(PerClassFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(3).succeeded(3));
        List<Long> pids = FixtureRuns.pids(results);
        assertEquals(1, new HashSet<>(pids).size(), "distinct pids among " + pids);
        assertTrue(FixtureRuns.exited(pids.get(0), Duration.ofSeconds(10)),
                "driver process " + pids.get(0) + " still running after the class");
    }

    @Test
    void perMethodDriverFreshPerTest() throws Exception {
        EngineExecutionResults results = FixtureRuns.run(PerMethodFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(3).succeeded(3));
        List<Long> pids = FixtureRuns.pids(results);
        assertEquals(3, new HashSet<>(pids).size(), "distinct pids among " + pids);
        for (long pid : pids) {
            assertTrue(FixtureRuns.exited(pid, Duration.ofSeconds(10)), "driver " + pid);
        }
    }

    @Test
    void methodAnnotationGivesOwnDriver() {
        EngineExecutionResults results = FixtureRuns.run(MethodAnnotationFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(4).succeeded(4));
        List<String> classPids = FixtureRuns.reported(results, "class pid");
        List<String> ownPids = FixtureRuns.reported(results, "own pid");
        assertEquals(2, classPids.size());
        assertEquals(classPids.get(0), classPids.get(1));
        assertEquals(2, ownPids.size());
        assertEquals(3, new HashSet<>(List.of(classPids.get(0), ownPids.get(0), ownPids.get(1)))
                .size(), "class pid " + classPids.get(0) + ", own pids " + ownPids);
    }

    @Test
    void driverStoppedAfterFailingTest() throws Exception {
        EngineExecutionResults results = FixtureRuns.run(FailingTestFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).failed(1));
        long pid = FixtureRuns.pids(results).get(0);
        assertTrue(FixtureRuns.exited(pid, Duration.ofSeconds(10)),
                "driver process " + pid + " still running after its test failed");
    }

    @Test
    void nestedClassReusesEnclosingDriver() {
        EngineExecutionResults results = FixtureRuns.run(NestingFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(3).succeeded(3));
        String outer = FixtureRuns.reported(results, "outer pid").get(0);
        assertEquals(outer, FixtureRuns.reported(results, "inner pid").get(0));
        assertNotEquals(outer, FixtureRuns.reported(results, "own pid").get(0));
        assertEquals(2, FixtureRuns.reported(results, "storagedriver.started").size());
    }

    @Test
    void abstractBaseGivesSubclassOneDriver() {
        EngineExecutionResults results = FixtureRuns.run(
                FirstSubclassFixture.class, SecondSubclassFixture.class,
                ReannotatedSubclassFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(6).succeeded(6));
        assertEquals(3, FixtureRuns.reported(results, "storagedriver.started").size(),
                "drivers started for three classes");
        assertEquals(3, new HashSet<>(FixtureRuns.pids(results)).size());
    }

    @Test
    void concurrentTestsShareOnePerClassDriver() {
        EngineExecutionResults results = FixtureRuns.run(PARALLEL, ConcurrentFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(8).succeeded(8));
        assertEquals(1, FixtureRuns.reported(results, "storagedriver.started").size());
        assertEquals(1, new HashSet<>(FixtureRuns.pids(results)).size());
    }

    @Test
    void concurrentTestsGetDistinctPerMethodDrivers() {
        EngineExecutionResults results =
                FixtureRuns.run(PARALLEL, ConcurrentPerMethodFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(4).succeeded(4));
        assertEquals(4, new HashSet<>(FixtureRuns.pids(results)).size());
    }

    @Test
    void sharedStaticFieldFailsConcurrentClass() {
        EngineExecutionResults results = FixtureRuns.run(PARALLEL,
                FirstStaticFieldFixture.class, SecondStaticFieldFixture.class);

        List<String> failures = results.containerEvents().failed().stream()
                .map(event -> event.getPayload(TestExecutionResult.class).orElseThrow()
                        .getThrowable().orElseThrow().getMessage())
                .toList();
        assertEquals(1, failures.size(), FixtureRuns.describe(results));
        FixtureRuns.assertContains(failures.get(0), "StaticFieldBase.shared", "still running");
        results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
    }

    @Test
    void sharedStaticFieldWorksSequentially() {
        EngineExecutionResults results = FixtureRuns.run(
                FirstStaticFieldFixture.class, SecondStaticFieldFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(2).succeeded(2));
        assertEquals(2, new HashSet<>(FixtureRuns.pids(results)).size());
    }

    @Test
    void tempDirectoryDeletedWithDriver() {
        EngineExecutionResults results = FixtureRuns.run(TempDirectoryFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
        List<String> directories = FixtureRuns.reported(results, "storagedriver.tempdir");
        assertEquals(1, directories.size());
        Path directory = Path.of(directories.get(0));
        assertTrue(directory.getFileName().toString().startsWith("storagedriver-"), directories
                .get(0));
        assertFalse(Files.exists(directory), directory + " still exists after the driver stopped");
    }

    @Test
    void repeatedTestGetsDriverPerRepetition() {
        EngineExecutionResults results = FixtureRuns.run(RepeatedFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(3).succeeded(3));
        assertEquals(3, new HashSet<>(FixtureRuns.pids(results)).size());
    }

    static void publishPid(TestReporter reporter, DriverClient driver) {
        reporter.publishEntry("pid", Long.toString(driver.pid()));
    }

    @WithStorageDriver(name = "inmemory")
    static class PerClassFixture {
        @Test
        void first(DriverClient driver, TestReporter reporter) {
            publishPid(reporter, driver);
        }

        @Test
        void second(DriverClient driver, TestReporter reporter) {
            publishPid(reporter, driver);
        }

        @Test
        void third(DriverClient driver, TestReporter reporter) {
            publishPid(reporter, driver);
        }
    }

    @WithStorageDriver(name = "inmemory", lifecycle = WithStorageDriver.Lifecycle.PER_METHOD)
    static class PerMethodFixture {
        @StorageDriverClient
        DriverClient field;

        @Test
        void first(DriverClient driver, TestReporter reporter) {
            assertEquals(field, driver);
            publishPid(reporter, driver);
        }

        @Test
        void second(DriverClient driver, TestReporter reporter) {
            publishPid(reporter, driver);
        }

        @Test
        void third(DriverClient driver, TestReporter reporter) {
            publishPid(reporter, driver);
        }
    }

    @WithStorageDriver(name = "inmemory")
    static class MethodAnnotationFixture {
        @Test
        void first(DriverClient driver, TestReporter reporter) {
            reporter.publishEntry("class pid", Long.toString(driver.pid()));
        }

        @Test
        @WithStorageDriver(mainClass = "io.storagedriver.drivers.InMemoryDriver")
        void own(DriverClient driver, TestReporter reporter) {
            reporter.publishEntry("own pid", Long.toString(driver.pid()));
        }

        @Test
        @WithStorageDriver
        void freshOfTheClassKind(DriverClient driver, TestReporter reporter) {
            assertEquals("inmemory", driver.name());
            reporter.publishEntry("own pid", Long.toString(driver.pid()));
        }

        @Test
        void third(DriverClient driver, TestReporter reporter) {
            reporter.publishEntry("class pid", Long.toString(driver.pid()));
        }
    }

    @WithStorageDriver(name = "inmemory")
    static class FailingTestFixture {
        @Test
        void fails(DriverClient driver, TestReporter reporter) {
            publishPid(reporter, driver);
            fail("failing on purpose");
        }
    }

    @WithStorageDriver(name = "inmemory")
    static class NestingFixture {
        @Test
        void outer(DriverClient driver, TestReporter reporter) {
            reporter.publishEntry("outer pid", Long.toString(driver.pid()));
        }

        @Nested
        class Inner {
            @Test
            void inner(DriverClient driver, TestReporter reporter) {
                reporter.publishEntry("inner pid", Long.toString(driver.pid()));
            }
        }

        @Nested
        @WithStorageDriver(name = "inmemory")
        class InnerWithOwnDriver {
            @Test
            void own(DriverClient driver, TestReporter reporter) {
                reporter.publishEntry("own pid", Long.toString(driver.pid()));
            }
        }
    }

    @WithStorageDriver(name = "inmemory")
    abstract static class AnnotatedBase {
        @Test
        void first(DriverClient driver, TestReporter reporter) {
            publishPid(reporter, driver);
        }

        @Test
        void second(DriverClient driver, TestReporter reporter) {
            publishPid(reporter, driver);
        }
    }

    static class FirstSubclassFixture extends AnnotatedBase {}

    static class SecondSubclassFixture extends AnnotatedBase {}

    @WithStorageDriver(mainClass = "io.storagedriver.drivers.InMemoryDriver")
    static class ReannotatedSubclassFixture extends AnnotatedBase {}

    @WithStorageDriver(name = "inmemory")
    @Execution(ExecutionMode.CONCURRENT)
    static class ConcurrentFixture {
        @RepeatedTest(8)
        void shares(DriverClient driver, TestReporter reporter) throws Exception {
            driver.putContent("/concurrent/" + Thread.currentThread().getId(), new byte[1]);
            publishPid(reporter, driver);
        }
    }

    @WithStorageDriver(name = "inmemory", lifecycle = WithStorageDriver.Lifecycle.PER_METHOD)
    @Execution(ExecutionMode.CONCURRENT)
    static class ConcurrentPerMethodFixture {
        @RepeatedTest(4)
        void ownDriver(DriverClient driver, TestReporter reporter) {
            publishPid(reporter, driver);
        }
    }

    /**
     * Holds each class in {@code afterAll} until both classes got there, so that the class that
     * claimed the static field is still running when the other one tries.
     */
    static final class BothClassesRunning implements AfterAllCallback {
        static final CyclicBarrier BARRIER = new CyclicBarrier(2);

        @Override
        public void afterAll(ExtensionContext context) throws Exception {
            boolean parallel = context.getConfigurationParameter(
                    "junit.jupiter.execution.parallel.enabled").map(Boolean::parseBoolean)
                    .orElse(false);
            if (!parallel) {
                return;
            }
            try {
                BARRIER.await(20, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                BARRIER.reset();
            }
        }
    }

    @WithStorageDriver(name = "inmemory")
    @ExtendWith(BothClassesRunning.class)
    abstract static class StaticFieldBase {
        @StorageDriverClient
        static DriverClient shared;

        @Test
        void usesShared(TestReporter reporter) {
            publishPid(reporter, shared);
        }
    }

    static class FirstStaticFieldFixture extends StaticFieldBase {}

    static class SecondStaticFieldFixture extends StaticFieldBase {}

    @WithStorageDriver(name = "filesystem", parameters = "rootdirectory=${tempdir}")
    static class TempDirectoryFixture {
        @Test
        void writes(DriverClient driver) {
            driver.putContent("/a/b", new byte[] {1, 2, 3});
        }
    }

    @WithStorageDriver(name = "inmemory", lifecycle = WithStorageDriver.Lifecycle.PER_METHOD)
    static class RepeatedFixture {
        @RepeatedTest(3)
        void repeated(DriverClient driver, TestReporter reporter) {
            publishPid(reporter, driver);
        }
    }
}

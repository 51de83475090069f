package io.storagedriver.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.storagedriver.DriverNotFoundException;
import io.storagedriver.DriverStartException;
import io.storagedriver.IncompatibleVersionException;
import io.storagedriver.InvalidParametersException;
import io.storagedriver.StorageDriver;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.testkit.engine.EngineExecutionResults;

class StartFailureTest {

    @Test
    void missingDriverFailsClassBeforeTests() {
        EngineExecutionResults results = FixtureRuns.run(MissingNameFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(0));
        Throwable failure = FixtureRuns.failureOf(results, "MissingNameFixture");
        String message = failure.getMessage();
        FixtureRuns.assertContains(message, "name = \"no-such-driver\"",
                "registry-storagedriver-no-such-driver",
                StorageDriverConfiguration.DRIVERS_DIRECTORY, "MissingNameFixture");
        assertInstanceOf(ExtensionConfigurationException.class, failure);
        assertInstanceOf(DriverNotFoundException.class, failure.getCause());
    }

    @Test
    void missingExecutableFailsClass() {
        EngineExecutionResults results = FixtureRuns.run(MissingExecutableFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(0));
        Throwable failure = FixtureRuns.failureOf(results, "MissingExecutableFixture");
        FixtureRuns.assertContains(failure.getMessage(), "/nonexistent/registry-storagedriver-x");
        assertInstanceOf(DriverStartException.class, failure.getCause());
    }

    @Test
    void wrongVersionFailsClass() {
        EngineExecutionResults results = FixtureRuns.run(WrongVersionFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(0));
        Throwable failure = FixtureRuns.failureOf(results, "WrongVersionFixture");
        String message = failure.getMessage();
        FixtureRuns.assertContains(message, "version 2.0", "1.0", "WrongVersionDriver");
        assertInstanceOf(IncompatibleVersionException.class, failure.getCause());
    }

    @Test
    void rejectedParametersFailClass() {
        EngineExecutionResults results = FixtureRuns.run(MissingParameterFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(0));
        Throwable failure = FixtureRuns.failureOf(results, "MissingParameterFixture");
        FixtureRuns.assertContains(failure.getMessage(), "rootdirectory",
                StorageDriverConfiguration.PARAMETERS);
        assertInstanceOf(InvalidParametersException.class, failure.getCause());
    }

    @Test
    void rejectedConfiguredParametersNameConfiguration() {
        EngineExecutionResults results = FixtureRuns.run(
                Map.of(StorageDriverConfiguration.NAME, "filesystem"), MissingNameFixture.class);

        Throwable failure = FixtureRuns.failureOf(results, "MissingNameFixture");
        String message = failure.getMessage();
        FixtureRuns.assertContains(message, "Cannot start the storage driver (name = "
                + "\"filesystem\") from the configuration parameter storagedriver.name (which "
                + "replaces the driver of @WithStorageDriver on class "
                + MissingNameFixture.class.getName() + "): ", "Fix the driver parameters in the "
                + "configuration parameter " + StorageDriverConfiguration.PARAMETERS);
        assertFalse(message.contains("driver driver"), message);
        assertFalse(message.contains("or set them with"), message);
        assertInstanceOf(InvalidParametersException.class, failure.getCause());
    }

    @Test
    void rejectedAnnotatedParametersNameAnnotation() {
        EngineExecutionResults results = FixtureRuns.run(MissingParameterFixture.class);

        String message = FixtureRuns.failureOf(results, "MissingParameterFixture").getMessage();
        FixtureRuns.assertContains(message, "Fix the driver parameters in @WithStorageDriver on "
                + "class " + MissingParameterFixture.class.getName() + ", or set them with the "
                + "configuration parameter " + StorageDriverConfiguration.PARAMETERS);
    }

    @Test
    void exitingDriverFailsClassWithStderr() {
        EngineExecutionResults results = FixtureRuns.run(ExitingDriverFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(0));
        Throwable failure = FixtureRuns.failureOf(results, "ExitingDriverFixture");
        FixtureRuns.assertContains(failure.getMessage(), "configuration file missing");
    }

    @Test
    void failedPerMethodStartFailsEachTest() {
        EngineExecutionResults results = FixtureRuns.run(PerMethodMissingFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(2).failed(2));
        results.testEvents().assertThatEvents().haveExactly(1, event(test("first"),
                finishedWithFailure(message(m -> m.contains("no-such-driver")))));
        assertEquals(0, results.containerEvents().failed().count());
    }

    @Test
    void driversDirectoryIsSearched() {
        EngineExecutionResults results = FixtureRuns.run(
                Map.of(StorageDriverConfiguration.DRIVERS_DIRECTORY, "/nonexistent/drivers"),
                MissingNameFixture.class);

        Throwable failure = FixtureRuns.failureOf(results, "MissingNameFixture");
        FixtureRuns.assertContains(failure.getMessage(), "/nonexistent/drivers");
    }

    @WithStorageDriver(name = "no-such-driver")
    static class MissingNameFixture {
        @Test
        void neverRuns(StorageDriver driver) {}
    }

    @WithStorageDriver(executable = "/nonexistent/registry-storagedriver-x")
    static class MissingExecutableFixture {
        @Test
        void neverRuns(StorageDriver driver) {}
    }

    @WithStorageDriver(mainClass = "io.storagedriver.junit.testdrivers.WrongVersionDriver")
    static class WrongVersionFixture {
        @Test
        void neverRuns(StorageDriver driver) {}
    }

    @WithStorageDriver(name = "filesystem")
    static class MissingParameterFixture {
        @Test
        void neverRuns(StorageDriver driver) {}
    }

    @WithStorageDriver(mainClass = "io.storagedriver.junit.testdrivers.ExitingDriver")
    static class ExitingDriverFixture {
        @Test
        void neverRuns(StorageDriver driver) {}
    }

    @WithStorageDriver(name = "no-such-driver", lifecycle = WithStorageDriver.Lifecycle.PER_METHOD)
    static class PerMethodMissingFixture {
        @Test
        void first(StorageDriver driver) {}

        @Test
        void second(StorageDriver driver) {}
    }
}

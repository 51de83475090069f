package io.storagedriver.junit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.storagedriver.PathNotFoundException;
import io.storagedriver.StorageDriver;
import io.storagedriver.client.DriverClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;

class InjectionTest {

    @Test
    void parametersGetClassDriver() {
        EngineExecutionResults results = FixtureRuns.run(ParameterFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(2).succeeded(2));
        List<Long> pids = FixtureRuns.pids(results);
        assertEquals(5, pids.size(), "pids published by beforeAll, 2 x beforeEach, 2 tests");
        assertEquals(1, new HashSet<>(pids).size(), "distinct pids among " + pids);
    }

    @Test
    void fieldsGetClassDriverThenCleared() {
        EngineExecutionResults results = FixtureRuns.run(FieldFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(2).succeeded(2));
        assertEquals(1, new HashSet<>(FixtureRuns.pids(results)).size());
        assertNull(FieldFixture.shared, "static field after the class finished");
    }

    @Test
    void repeatedAnnotationGivesDistinctDrivers() {
        EngineExecutionResults results = FixtureRuns.run(TwoDriversFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
        assertEquals(2, FixtureRuns.reported(results, "storagedriver.started").size());
    }

    @Test
    void coexistsWithTempDir() {
        EngineExecutionResults results = FixtureRuns.run(TempDirFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
    }

    @Test
    void wrongFieldTypeFailsTest() {
        EngineExecutionResults results = FixtureRuns.run(WrongFieldTypeFixture.class);

        results.testEvents().assertThatEvents().haveExactly(1, event(test("usesField"),
                finishedWithFailure(message(m -> m.contains("WrongFieldTypeFixture.text")
                        && m.contains("java.lang.String")
                        && m.contains(StorageDriver.class.getName())))));
    }

    @Test
    void finalStaticFieldFailsClass() {
        EngineExecutionResults results = FixtureRuns.run(FinalFieldFixture.class);

        results.containerEvents().assertThatEvents().haveExactly(1,
                event(container(FinalFieldFixture.class), finishedWithFailure(message(m ->
                        m.contains("FinalFieldFixture.constant") && m.contains("final")))));
        results.testEvents().assertStatistics(stats -> stats.started(0));
    }

    @Test
    void unknownIdFailsListingDeclaredIds() {
        EngineExecutionResults results = FixtureRuns.run(UnknownIdFixture.class);

        results.testEvents().assertThatEvents().haveExactly(1, event(test("usesUnknownId"),
                finishedWithFailure(message(m -> m.contains("id = \"nope\"")
                        && m.contains("[\"\"]")))));
    }

    @Test
    void wrongParameterTypeFailsTest() {
        EngineExecutionResults results = FixtureRuns.run(WrongParameterTypeFixture.class);

        results.testEvents().assertThatEvents().haveExactly(1, event(test("takesString"),
                finishedWithFailure(message(m -> m.contains("takesString")
                        && m.contains("java.lang.String")))));
    }

    @WithStorageDriver(name = "inmemory")
    static class ParameterFixture {
        @BeforeAll
        static void publishFromBeforeAll(StorageDriver driver, TestReporter reporter) {
            reporter.publishEntry("pid", Long.toString(((DriverClient) driver).pid()));
        }

        @BeforeEach
        void publishFromBeforeEach(DriverClient driver, TestReporter reporter) {
            reporter.publishEntry("pid", Long.toString(driver.pid()));
        }

        @Test
        void storesAndReads(StorageDriver driver, DriverClient client, TestReporter reporter) {
            assertSame(driver, client);
            client.putContent("/injection/a", new byte[] {1, 2});
            assertArrayEquals(new byte[] {1, 2}, driver.getContent("/injection/a"));
            reporter.publishEntry("pid", Long.toString(client.pid()));
        }

        @Test
        void seesTheSameStore(DriverClient client, TestReporter reporter) {
            reporter.publishEntry("pid", Long.toString(client.pid()));
            assertTrue(client.isAlive());
        }
    }

    @WithStorageDriver(name = "inmemory")
    static class FieldFixture {
        @StorageDriverClient
        static DriverClient shared;

        @StorageDriverClient
        StorageDriver instance;

        @StorageDriverClient
        private DriverClient privateField;

        @BeforeAll
        static void sharedIsSetBeforeAll() {
            assertNotNull(shared);
        }

        @Test
        void fieldsHoldTheClassDriver(TestReporter reporter) {
            assertSame(shared, instance);
            assertSame(shared, privateField);
            reporter.publishEntry("pid", Long.toString(shared.pid()));
        }

        @Test
        void fieldsMatchTheParameter(DriverClient parameter, TestReporter reporter) {
            assertSame(parameter, instance);
            reporter.publishEntry("pid", Long.toString(parameter.pid()));
        }
    }

    @WithStorageDriver(id = "a", name = "inmemory")
    @WithStorageDriver(id = "b", mainClass = "io.storagedriver.drivers.InMemoryDriver")
    static class TwoDriversFixture {
        @StorageDriverClient(id = "a")
        DriverClient first;

        @StorageDriverClient(id = "b")
        DriverClient second;

        @Test
        void driversAreSeparate(@StorageDriverClient(id = "b") StorageDriver parameter) {
            assertSame(second, parameter);
            assertNotEquals(first.pid(), second.pid());
            first.putContent("/only-in-a", new byte[] {1});
            assertThrows(PathNotFoundException.class, () -> second.getContent("/only-in-a"));
        }
    }

    @WithStorageDriver(name = "inmemory")
    static class TempDirFixture {
        @Test
        void takesBothKinds(@TempDir Path directory, StorageDriver driver) throws Exception {
            Files.writeString(directory.resolve("x"), "x");
            driver.putContent("/x", new byte[] {1});
            assertEquals(1, driver.getContent("/x").length);
        }
    }

    @WithStorageDriver(name = "inmemory")
    static class WrongFieldTypeFixture {
        @StorageDriverClient
        String text;

        @Test
        void usesField() {}
    }

    @WithStorageDriver(name = "inmemory")
    static class FinalFieldFixture {
        @StorageDriverClient
        static final StorageDriver constant = null;

        @Test
        void neverRuns() {}
    }

    @WithStorageDriver(name = "inmemory")
    static class UnknownIdFixture {
        @Test
        void usesUnknownId(@StorageDriverClient(id = "nope") StorageDriver driver) {}
    }

    @WithStorageDriver(name = "inmemory")
    static class WrongParameterTypeFixture {
        @Test
        void takesString(@StorageDriverClient String text) {}
    }
}

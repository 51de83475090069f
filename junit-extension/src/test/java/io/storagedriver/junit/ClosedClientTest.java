package io.storagedriver.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.storagedriver.client.DriverClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.opentest4j.TestAbortedException;

/** Covers a test that closes an injected client instead of leaving that to the extension. */
class ClosedClientTest {
    @Test
    void closingSharedClientFailsThatTest() {
        EngineExecutionResults results = FixtureRuns.run(ClosingFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(2).failed(1).aborted(1));
        Throwable failure = FixtureRuns.failureOf(results, "closeEarly");
        assertInstanceOf(IllegalStateException.class, failure);
        FixtureRuns.assertContains(failure.getMessage(), "ClosingFixture.closeEarly()",
                "closed the client of driver inmemory", "Remove the close() call");
        List<String> aborts = results.testEvents().aborted().stream()
                .map(event -> event.getPayload(TestExecutionResult.class).orElseThrow())
                .map(result -> result.getThrowable().orElseThrow())
                .map(thrown -> assertInstanceOf(TestAbortedException.class, thrown).getMessage())
                .toList();
        assertEquals(List.of("driver inmemory was closed by ClosingFixture.closeEarly(); not run"),
                aborts);
    }

    @Test
    void closingPerMethodClientIsAllowed() {
        EngineExecutionResults results = FixtureRuns.run(PerMethodClosingFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(2).succeeded(2));
    }

    @WithStorageDriver(name = "inmemory")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class ClosingFixture {
        @Test
        @Order(1)
        void closeEarly(DriverClient client) {
            client.close();
        }

        @Test
        @Order(2)
        void useAfterClose(DriverClient client) throws Exception {
            client.putContent("/x", "x".getBytes(StandardCharsets.UTF_8));
        }
    }

    @WithStorageDriver(name = "inmemory", lifecycle = WithStorageDriver.Lifecycle.PER_METHOD)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class PerMethodClosingFixture {
        @Test
        @Order(1)
        void closeEarly(DriverClient client) {
            client.close();
        }

        @Test
        @Order(2)
        void useNewClient(DriverClient client) throws Exception {
            client.putContent("/x", "x".getBytes(StandardCharsets.UTF_8));
        }
    }
}

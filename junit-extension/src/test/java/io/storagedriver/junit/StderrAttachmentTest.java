package io.storagedriver.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.storagedriver.client.DriverClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;

class StderrAttachmentTest {
    private static final String CHATTY = "io.storagedriver.junit.testdrivers.ChattyDriver";

    @Test
    void failingTestCarriesStderr() {
        EngineExecutionResults results = FixtureRuns.run(FailingFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).failed(1));
        Throwable failure = FixtureRuns.failureOf(results, "fails");
        assertEquals("failing on purpose", failure.getMessage(), "the original failure");
        List<Throwable> attached = attached(failure);
        assertEquals(1, attached.size(), Arrays.toString(failure.getSuppressed()));
        String tail = attached.get(0).getMessage();
        FixtureRuns.assertContains(tail, "chatty driver stored /marked", "is running");
        FixtureRuns.assertContains(FixtureRuns.reported(results, "storagedriver.stderr").get(0),
                "chatty driver stored /marked");
    }

    @Test
    void crashedDriverReportedAsStopped() {
        EngineExecutionResults results = FixtureRuns.run(CrashFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).failed(1));
        Throwable failure = FixtureRuns.failureOf(results, "crashes");
        List<Throwable> attached = attached(failure);
        assertEquals(1, attached.size(), Arrays.toString(failure.getSuppressed()));
        String tail = attached.get(0).getMessage();
        FixtureRuns.assertContains(tail, "no longer running", "crashes on purpose");
    }

    @Test
    void failingBeforeEachCarriesStderr() {
        EngineExecutionResults results = FixtureRuns.run(FailingBeforeEachFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).failed(1));
        Throwable failure = FixtureRuns.failureOf(results, "test");
        assertEquals(1, attached(failure).size(), Arrays.toString(failure.getSuppressed()));
    }

    @Test
    void passingTestAddsNoEntry() {
        EngineExecutionResults results = FixtureRuns.run(PassingFixture.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
        assertEquals(List.of(), FixtureRuns.reported(results, "storagedriver.stderr"));
    }

    private static List<Throwable> attached(Throwable failure) {
        return Arrays.stream(failure.getSuppressed())
                .filter(s -> s instanceof StderrAttachment.DriverStderr)
                .toList();
    }

    /** Waits until the driver's standard error tail contains {@code text}. */
    static void awaitStderr(DriverClient driver, String text) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (driver.stderrTail().stream().noneMatch(line -> line.contains(text))) {
            if (Instant.now().isAfter(deadline)) {
                fail("the driver did not write \"" + text + "\"; its tail: " + driver.stderrTail());
            }
            Thread.sleep(20);
        }
    }

    @WithStorageDriver(mainClass = CHATTY)
    static class FailingFixture {
        @Test
        void fails(DriverClient driver) throws Exception {
            driver.putContent("/marked", new byte[] {1});
            awaitStderr(driver, "stored /marked");
            fail("failing on purpose");
        }
    }

    @WithStorageDriver(mainClass = CHATTY)
    static class CrashFixture {
        @Test
        void crashes(DriverClient driver) throws Exception {
            driver.getContent("/crash");
        }
    }

    @WithStorageDriver(mainClass = CHATTY)
    static class FailingBeforeEachFixture {
        @BeforeEach
        void failsBeforeEach(DriverClient driver) throws Exception {
            driver.putContent("/before", new byte[] {1});
            awaitStderr(driver, "stored /before");
            throw new IllegalStateException("before each fails on purpose");
        }

        @Test
        void test() {}
    }

    @WithStorageDriver(name = "inmemory")
    static class PassingFixture {
        @Test
        void passes(DriverClient driver) {
            driver.putContent("/x", new byte[1]);
        }
    }
}

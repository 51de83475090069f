package io.storagedriver.junit.drivers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storagedriver.StorageDriverException;
import io.storagedriver.junit.StorageDriverConfiguration;
import io.storagedriver.junit.testdrivers.ExitOnCallDriver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;

/**
 * Runs the suite against a shared driver that exits partway through, and checks that the exit
 * fails exactly one check and aborts the checks after it.
 */
class DriverExitSuiteTest {
    /** A call in the middle of the run, so that checks pass before the exit and run after it. */
    private static final int EXIT_ON_CALL = 150;

    @Test
    void checksAfterExitAreAborted() {
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        EngineExecutionResults results = withStderrCopiedTo(logged, () -> SuiteRuns.run(Map.of(
                StorageDriverConfiguration.MAIN_CLASS, ExitOnCallDriver.class.getName(),
                StorageDriverConfiguration.PARAMETERS,
                ExitOnCallDriver.EXIT_ON_CALL + "=" + EXIT_ON_CALL), "large", "concurrency"));

        List<Event> failed = results.testEvents().failed().list();
        assertEquals(1, failed.size(), SuiteRuns.failures(results));
        assertEquals(0, results.containerEvents().failed().count(), SuiteRuns.failures(results));
        String crashed = SuiteRuns.checkId(failed.get(0).getTestDescriptor()).orElseThrow();
        driverFailureIn(throwable(failed.get(0)));

        String reason = "driver " + ExitOnCallDriver.NAME + " exited (exit code "
                + ExitOnCallDriver.EXIT_STATUS + ") during " + crashed + "; not run";
        List<Event> finished = results.testEvents().finished().list();
        int crashIndex = finished.indexOf(failed.get(0));
        List<Event> after = finished.subList(crashIndex + 1, finished.size());
        assertTrue(crashIndex > 0, "no check passed before the exit in " + crashed);
        assertTrue(after.size() > 10, "checks after the exit in " + crashed + ": " + after.size());
        for (Event event : after) {
            TestExecutionResult result = event.getPayload(TestExecutionResult.class).orElseThrow();
            assertEquals(TestExecutionResult.Status.ABORTED, result.getStatus(),
                    event.getTestDescriptor().getDisplayName());
            assertEquals(reason, result.getThrowable().orElseThrow().getMessage());
        }
        assertEquals(after.size(), results.testEvents().aborted().count(),
                "aborted checks, before and after the exit");
        assertEquals(List.of(), reported(results, "storagedriver.cleanup"));
        List<String> log = logged.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(log.stream().anyMatch(line -> line.contains("driver exits on call")),
                "the driver's last line is not in the copied log, so the copy missed the log");
        List<String> cleanup = log.stream()
                .filter(line -> line.contains("check directory not deleted")).toList();
        assertTrue(cleanup.size() <= 1, "cleanup warnings: " + cleanup);
        assertTrue(log.stream().noneMatch(line -> line.startsWith("\tat ")),
                "stack traces in the log:\n" + String.join("\n", log));
    }

    /**
     * Runs {@code run} while copying standard error, where slf4j-simple logs, to {@code copy}.
     * The tests of this module run one at a time, so no other test writes there meanwhile.
     */
    private static <T> T withStderrCopiedTo(OutputStream copy, Supplier<T> run) {
        PrintStream original = System.err;
        OutputStream both = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                original.write(b);
                copy.write(b);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                original.write(bytes, offset, length);
                copy.write(bytes, offset, length);
            }
        };
        System.setErr(new PrintStream(both, true, StandardCharsets.UTF_8));
        try {
            return run.get();
        } finally {
            System.setErr(original);
        }
    }

    private static Throwable throwable(Event event) {
        return event.getPayload(TestExecutionResult.class).orElseThrow().getThrowable()
                .orElseThrow();
    }

    /**
     * Returns the client's exception for the failed call, which may be the cause of an assertion
     * error. It is usually a {@code DriverExitedException}, but a call that fails before the
     * client notices the exit raises another kind.
     */
    private static StorageDriverException driverFailureIn(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof StorageDriverException driverFailure) {
                return driverFailure;
            }
        }
        throw new AssertionError("no StorageDriverException in", failure);
    }

    private static List<String> reported(EngineExecutionResults results, String key) {
        return results.allEvents().reportingEntryPublished().stream()
                .map(event -> event.getPayload(ReportEntry.class).orElseThrow())
                .map(entry -> entry.getKeyValuePairs().get(key))
                .filter(value -> value != null)
                .toList();
    }
}

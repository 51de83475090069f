package io.storagedriver.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storagedriver.InvalidOffsetException;
import io.storagedriver.InvalidPathException;
import io.storagedriver.PathNotFoundException;
import io.storagedriver.UnsupportedMethodException;
import io.storagedriver.WalkVisitor;
import io.storagedriver.client.testdrivers.ReducedOperationsDriver;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * Shows that the client rejects invalid paths, negative offsets and operations the driver did
 * not announce without opening a stream. The driver logs the stream id of every call it
 * receives, and stream ids go up by 2 per call, so two marker calls around the rejected ones
 * must have consecutive ids.
 */
@Timeout(60)
class ClientSideChecksTest {
    private static final String MARKER = "/marker";

    /**
     * Runs {@code rejected} between two marker calls and returns the stream ids of every call
     * that reached the driver.
     */
    private static List<DriverLogs.LoggedCall> callsAround(DriverClient client,
            Consumer<DriverClient> rejected) throws InterruptedException {
        client.putContent(MARKER, new byte[] {1});
        rejected.accept(client);
        client.redirectUrl(MARKER);
        List<String> tail = DriverLogs.awaitTail(client, "the log lines of both marker calls",
                lines -> DriverLogs.calls(lines).stream()
                        .anyMatch(call -> call.operation().equals("RedirectURL")));
        return DriverLogs.calls(tail);
    }

    private static void assertOnlyMarkersArrived(List<DriverLogs.LoggedCall> calls) {
        assertEquals(2, calls.size(), "calls that reached the driver: " + calls);
        assertEquals("PutContent", calls.get(0).operation(), "first call: " + calls);
        assertEquals("RedirectURL", calls.get(1).operation(), "second call: " + calls);
        assertEquals(calls.get(0).streamId() + 2, calls.get(1).streamId(),
                "stream id of the second marker call: " + calls);
    }

    private static DriverClient startInMemory() {
        return DriverClient.start(TestDriverOptions.inMemory()
                .jvmOptions(List.of(TestDriverOptions.LOG_CALLS)).build());
    }

    @Test
    void invalidPathsOpenNoStream() throws InterruptedException {
        try (DriverClient client = startInMemory()) {
            List<DriverLogs.LoggedCall> calls = callsAround(client, checked -> {
                for (String invalid : DriverContract.INVALID_PATHS) {
                    assertThrows(InvalidPathException.class, () -> checked.stat(invalid),
                            "stat \"" + invalid + "\"");
                    assertThrows(InvalidPathException.class,
                            () -> checked.putContent(invalid, new byte[1]),
                            "putContent \"" + invalid + "\"");
                    assertThrows(InvalidPathException.class,
                            () -> checked.writeStream(invalid, 0,
                                    new ByteArrayInputStream(new byte[1])),
                            "writeStream \"" + invalid + "\"");
                    assertThrows(InvalidPathException.class,
                            () -> checked.move(MARKER, invalid), "move to \"" + invalid + "\"");
                }
                assertThrows(InvalidPathException.class, () -> checked.getContent("/"),
                        "getContent /");
                assertThrows(InvalidPathException.class, () -> checked.writer("/", false),
                        "writer /");
            });

            assertOnlyMarkersArrived(calls);
        }
    }

    @Test
    void negativeOffsetsOpenNoStream() throws InterruptedException {
        try (DriverClient client = startInMemory()) {
            List<DriverLogs.LoggedCall> calls = callsAround(client, checked -> {
                assertThrows(InvalidOffsetException.class, () -> checked.reader(MARKER, -1),
                        "reader at offset -1");
                assertThrows(InvalidOffsetException.class,
                        () -> checked.writeStream(MARKER, Long.MIN_VALUE,
                                new ByteArrayInputStream(new byte[1])),
                        "writeStream at offset " + Long.MIN_VALUE);
            });

            assertOnlyMarkersArrived(calls);
        }
    }

    @Test
    void uncheckedInvalidPathReachesDriver() throws InterruptedException {
        try (DriverClient client = startInMemory()) {
            List<DriverLogs.LoggedCall> calls = callsAround(client, checked -> {
                assertThrows(InvalidPathException.class,
                        () -> checked.unchecked().stat("relative"), "unchecked stat relative");
                assertThrows(InvalidOffsetException.class,
                        () -> checked.unchecked().reader(MARKER, -1),
                        "unchecked reader at offset -1");
            });

            assertEquals(List.of("PutContent", "Stat", "Reader", "RedirectURL"),
                    calls.stream().map(DriverLogs.LoggedCall::operation).toList(),
                    "operations that reached the driver: " + calls);
        }
    }

    @Test
    void unannouncedOperationsFailWithoutRequest() throws InterruptedException {
        DriverOptions options = TestDriverOptions.testDriver(ReducedOperationsDriver.class)
                .jvmOptions(List.of(TestDriverOptions.LOG_CALLS)).build();
        try (DriverClient client = DriverClient.start(options)) {
            for (String operation : ReducedOperationsDriver.LEFT_OUT) {
                assertFalse(client.operations().contains(operation),
                        "announced operations contain " + operation + ": "
                                + client.operations());
            }
            assertTrue(client.operations().contains("Stat"),
                    "announced operations contain Stat: " + client.operations());

            client.putContent(MARKER, new byte[] {1});
            assertUnsupported("Walk",
                    () -> client.walk("/", entry -> WalkVisitor.Decision.CONTINUE));
            assertUnsupported("Writer", () -> client.writer("/file", false));
            assertUnsupported("RedirectURL", () -> client.redirectUrl(MARKER));
            assertUnsupported("RedirectURL", () -> client.unchecked().redirectUrl(MARKER));
            assertThrows(PathNotFoundException.class, () -> client.stat("/missing"),
                    "an announced operation after the rejected ones");

            List<String> tail = DriverLogs.awaitTail(client, "the log line of the Stat call",
                    lines -> DriverLogs.calls(lines).stream()
                            .anyMatch(call -> call.operation().equals("Stat")));
            List<DriverLogs.LoggedCall> calls = DriverLogs.calls(tail);
            assertEquals(List.of("PutContent", "Stat"),
                    calls.stream().map(DriverLogs.LoggedCall::operation).toList(),
                    "operations that reached the driver: " + calls);
            assertEquals(calls.get(0).streamId() + 2, calls.get(1).streamId(),
                    "stream id of the Stat call: " + calls);
        }
    }

    private static void assertUnsupported(String operation, Executable call) {
        UnsupportedMethodException e =
                assertThrows(UnsupportedMethodException.class, call, operation);
        assertEquals(operation, e.operation(), "operation of the exception");
    }
}

package io.storagedriver.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storagedriver.CallInterruptedException;
import io.storagedriver.DriverExitedException;
import io.storagedriver.DriverProtocolException;
import io.storagedriver.DriverTimeoutException;
import io.storagedriver.FileInfo;
import io.storagedriver.ListTooLargeException;
import io.storagedriver.WalkVisitor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Faults of a running driver, injected by {@link FaultDriver}: each ends the call in the typed
 * exception with a message that names the driver and the cause, within the call timeout where
 * one is set, and the closed client leaves no thread and no process behind. The timeouts of the
 * test methods only guard against hangs.
 */
@Timeout(60)
class DriverFaultTest {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    Path directory;

    private DriverClient client;
    private String driverName;

    @AfterEach
    void closeAndCheckNothingLeft() throws InterruptedException {
        if (client == null) {
            return;
        }
        long pid = client.pid();
        client.close();
        assertTrue(HostResources.awaitGone(pid, Duration.ofSeconds(10)),
                "driver process " + pid + " is alive after close");
        assertEquals(List.of(), HostResources.awaitNoClientThreads(driverName),
                "threads of the client of " + driverName + " alive after close");
    }

    private DriverClient start(String fault, Map<String, String> parameters,
            Duration callTimeout) throws IOException {
        return start(FaultDriver.options(directory, fault, parameters)
                .callTimeout(callTimeout)
                .build());
    }

    private DriverClient start(DriverOptions options) {
        driverName = FaultDriver.driverName(options.executable().orElseThrow());
        client = DriverClient.start(options);
        return client;
    }

    private static void assertMessageContains(String expected, Throwable e) {
        assertTrue(e.getMessage().contains(expected),
                "message contains \"" + expected + "\", actual: " + e.getMessage());
    }

    /** Asserts that the client works: a put and a get of a small file. */
    private static void assertClientWorks(DriverClient client, String path) {
        byte[] content = {1, 2, 3, 4};
        client.putContent(path, content);
        assertArrayEquals(content, client.getContent(path), "content of " + path);
    }

    /** Asserts that the client works without GetContent, which the fault takes over. */
    private static void assertClientWorksWithoutGet(DriverClient client, String path) {
        client.putContent(path, new byte[] {1, 2, 3, 4});
        assertEquals(4, client.stat(path).size(), "size of " + path);
    }

    private static void assertLaterCallsFailWithExit(DriverClient client) {
        assertFalse(client.isAlive(), "isAlive after the driver's exit");
        DriverExitedException later = assertThrows(DriverExitedException.class,
                () -> client.stat("/later"), "stat after the driver's exit");
        assertMessageContains("Stat /later failed: driver faultdriver", later);
    }

    @Test
    void exitMidContentFailsGet() throws IOException {
        start("exit-mid-stream", Map.of("bytes", "100000", "exitcode", "3"), Duration.ZERO);

        DriverExitedException e = assertThrows(DriverExitedException.class,
                () -> client.getContent("/data/1000000"));

        assertEquals(3, e.exitCode().orElse(-1), "exit code, message: " + e.getMessage());
        assertMessageContains("GetContent /data/1000000 failed", e);
        assertMessageContains("exited with status 3", e);
        assertMessageContains("exiting with status 3 after 100000 bytes of GetContent", e);
        assertTrue(e.stderrTail().stream().anyMatch(line -> line.contains("exiting with status")),
                "stderr tail: " + e.stderrTail());
        assertLaterCallsFailWithExit(client);
    }

    @Test
    void killMidContentFailsReader() throws IOException {
        start("kill-mid-stream", Map.of("op", "Reader", "bytes", "300000"), Duration.ZERO);
        InputStream in = client.reader("/data/4000000", 0);

        IOException e = assertThrows(IOException.class, in::readAllBytes);

        DriverExitedException exited = assertInstanceOf(DriverExitedException.class,
                e.getCause(), "cause of the read's failure");
        assertEquals(137, exited.exitCode().orElse(-1), "exit code");
        assertMessageContains("killed by signal 9 (SIGKILL)", exited);
        assertLaterCallsFailWithExit(client);
    }

    @Test
    void exitDuringPutFailsPut() throws IOException {
        start("exit-mid-stream", Map.of("op", "PutContent", "bytes", "200000"), Duration.ZERO);

        DriverExitedException e = assertThrows(DriverExitedException.class,
                () -> client.putContent("/big", new byte[4 * 1024 * 1024]));

        assertEquals(3, e.exitCode().orElse(-1), "exit code, message: " + e.getMessage());
        assertMessageContains("PutContent /big failed", e);
        assertLaterCallsFailWithExit(client);
    }

    @Test
    void exitOnCallFailsLaterCalls() throws IOException {
        start("exit-on-call", Map.of("exitcode", "7"), Duration.ZERO);

        DriverExitedException e = assertThrows(DriverExitedException.class,
                () -> client.stat("/x"));

        assertEquals(7, e.exitCode().orElse(-1), "exit code, message: " + e.getMessage());
        assertMessageContains("exiting with status 7 on Stat", e);
        assertLaterCallsFailWithExit(client);
    }

    @Test
    void hangingCallTimesOut() throws IOException {
        start("hang", Map.of(), CALL_TIMEOUT);

        DriverTimeoutException e = assertThrows(DriverTimeoutException.class,
                () -> client.stat("/hangs"));

        assertEquals(CALL_TIMEOUT, e.timeout(), "timeout of the exception");
        assertMessageContains("Stat /hangs on driver faultdriver timed out after 2000 ms", e);
        assertClientWorks(client, "/after-timeout");
        assertTrue(client.isAlive(), "client is alive after the timeout");
    }

    @Test
    void stalledReaderTimesOut() throws IOException {
        start("stall-mid-stream", Map.of("op", "Reader", "bytes", "100000"), CALL_TIMEOUT);
        InputStream in = client.reader("/data/1000000", 0);
        byte[] start = in.readNBytes(100_000);

        IOException e = assertThrows(IOException.class, in::read);

        assertEquals(100_000, start.length, "bytes read before the stall");
        DriverTimeoutException timeout = assertInstanceOf(DriverTimeoutException.class,
                e.getCause(), "cause of the stalled read's failure");
        assertMessageContains("Reader /data/1000000 on driver faultdriver timed out", timeout);
        assertClientWorks(client, "/after-stall");
    }

    @Test
    void interruptedStalledReadFails() throws Exception {
        start("stall-mid-stream", Map.of("op", "Reader", "bytes", "100000"), Duration.ZERO);
        InputStream in = client.reader("/data/1000000", 0);
        AtomicReference<IOException> failure = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try {
                in.readNBytes(100_000);
                started.countDown();
                in.read();
            } catch (IOException e) {
                failure.set(e);
            }
        }, "stalled-reader");
        reader.start();
        assertTrue(started.await(30, TimeUnit.SECONDS), "the reader read the first bytes");
        DriverLogs.awaitLine(client, "stalled after 100000 bytes");
        awaitWaiting(reader);

        reader.interrupt();
        reader.join(30_000);

        assertFalse(reader.isAlive(), "the interrupted reader ended");
        assertNotNull(failure.get(), "failure of the interrupted read");
        assertInstanceOf(CallInterruptedException.class, failure.get().getCause(),
                "cause of the interrupted read's failure");
        assertClientWorks(client, "/after-interrupt");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad-version", "unknown-type", "oversized-data", "unknown-stream"})
    void malformedFrameFailsSession(String fault) throws IOException {
        start(fault, Map.of(), CALL_TIMEOUT);

        DriverProtocolException e = assertThrows(DriverProtocolException.class,
                () -> client.stat("/x"));

        assertMessageContains("driver faultdriver broke the yamux protocol during Stat /x", e);
        DriverExitedException later = assertThrows(DriverExitedException.class,
                () -> client.stat("/later"), "stat after the protocol error");
        assertMessageContains("after the host ended the session because the driver broke the "
                + "yamux protocol: ", later);
        assertFalse(client.isAlive(), "isAlive after the protocol error");
    }

    @ParameterizedTest
    @ValueSource(strings = {"invalid-json", "not-object", "oversized-message", "trailing-bytes"})
    void malformedMessageFailsOnlyCall(String fault) throws IOException {
        start(fault, Map.of(), CALL_TIMEOUT);

        DriverProtocolException e = assertThrows(DriverProtocolException.class,
                () -> client.stat("/x"));

        assertMessageContains("driver faultdriver sent a malformed message during Stat /x", e);
        assertClientWorks(client, "/after-malformed-message");
    }

    @Test
    void trailingBytesAfterAnswerAreNamed() throws IOException {
        start("trailing-bytes", Map.of(), CALL_TIMEOUT);

        DriverProtocolException e = assertThrows(DriverProtocolException.class,
                () -> client.stat("/x"));

        assertMessageContains("message has content after its JSON object at byte ", e);
        assertMessageContains(": \"garbage\"; a message contains exactly one JSON object", e);
    }

    @Test
    void errorAnswerWithoutCodeIsProtocolError() throws IOException {
        start("error-without-code", Map.of(), CALL_TIMEOUT);

        DriverProtocolException e = assertThrows(DriverProtocolException.class,
                () -> client.stat("/x"));

        assertMessageContains("driver faultdriver sent a malformed error answer: it needs an "
                + "object error with a string code, but sent ", e);
        assertMessageContains("{\"message\":\"boom\\n\\u001B[31mred\"}", e);
    }

    @Test
    void fractionalSizeIsProtocolError() throws IOException {
        start("fractional-size", Map.of(), CALL_TIMEOUT);

        DriverProtocolException e = assertThrows(DriverProtocolException.class,
                () -> client.getContent("/x"));

        assertMessageContains("GetContent /x: driver faultdriver sent a field size that is not "
                + "an integer: {\"ok\":true,\"size\":5.0}", e);
    }

    @Test
    void trailingBytesAfterWalkLineAreNamed() throws IOException {
        start("trailing-walk-line", Map.of(), CALL_TIMEOUT);

        DriverProtocolException e = assertThrows(DriverProtocolException.class,
                () -> client.walk("/", entry -> WalkVisitor.Decision.CONTINUE));

        assertMessageContains("Walk: the driver sent a malformed line: Walk line has content "
                + "after its JSON object at byte ", e);
        assertMessageContains(": \"garbage\"; a Walk line contains exactly one JSON object", e);
        assertClientWorks(client, "/after-walk");
    }

    @Test
    void oversizedChunkFailsGet() throws IOException {
        start("bad-chunk", Map.of(), CALL_TIMEOUT);

        DriverProtocolException e = assertThrows(DriverProtocolException.class,
                () -> client.getContent("/x"));

        assertMessageContains("content chunk of 268435456 bytes exceeds the limit", e);
        assertClientWorksWithoutGet(client, "/after-bad-chunk");
    }

    @Test
    void contentShorterThanAnnouncedFailsGet() throws IOException {
        start("lie-size", Map.of("size", "2000000000", "bytes", "1000"), CALL_TIMEOUT);

        DriverProtocolException e = assertThrows(DriverProtocolException.class,
                () -> client.getContent("/x"));

        assertMessageContains("announced 2000000000 bytes of content but sent 1000", e);
        assertClientWorksWithoutGet(client, "/after-lie");
    }

    @Test
    void contentLongerThanAnnouncedFailsGet() throws IOException {
        start("overflow-content", Map.of("size", "10", "bytes", "3000000"), CALL_TIMEOUT);

        DriverProtocolException e = assertThrows(DriverProtocolException.class,
                () -> client.getContent("/x"));

        assertMessageContains("GetContent /x: the driver sent more than the 10 bytes of content it "
                + "announced", e);
        assertClientWorksWithoutGet(client, "/after-overflow");
    }

    @Test
    void listPastDefaultEntryLimitFails() throws IOException {
        int entries = DriverOptions.Builder.DEFAULT_MAX_LIST_ENTRIES + 1;
        start("many-entries", Map.of("count", Integer.toString(entries)), CALL_TIMEOUT);

        ListTooLargeException e = assertThrows(ListTooLargeException.class,
                () -> client.list("/dir"));

        assertEquals("/dir", e.path(), "path of the exception");
        assertMessageContains("List /dir: driver faultdriver returned more than 100000 entries, "
                + "the limit of this client. Raise the limit with "
                + "DriverOptions.Builder.maxListEntries, or walk the directory", e);
        assertClientWorks(client, "/after-many-entries");
    }

    @Test
    void listAtEntryLimitSucceeds() throws IOException {
        start(FaultDriver.options(directory, "many-entries", Map.of("count", "1000"))
                .callTimeout(CALL_TIMEOUT)
                .maxListEntries(1000)
                .build());

        List<String> entries = client.list("/");

        assertEquals(1000, entries.size(), "entries listed");
        assertEquals("/e0xxxxx", entries.get(0), "first entry");
        assertEquals("/e999xxx", entries.get(999), "last entry");
    }

    @Test
    void listPastSetEntryLimitFails() throws IOException {
        start(FaultDriver.options(directory, "many-entries", Map.of("count", "1001"))
                .callTimeout(CALL_TIMEOUT)
                .maxListEntries(1000)
                .build());

        ListTooLargeException e = assertThrows(ListTooLargeException.class,
                () -> client.list("/"));

        assertMessageContains("returned more than 1000 entries", e);
        assertClientWorks(client, "/after-many-entries");
    }

    @Test
    void listAtByteLimitSucceeds() throws IOException {
        start(FaultDriver.options(directory, "many-entries",
                        Map.of("count", "100", "length", "10"))
                .callTimeout(CALL_TIMEOUT)
                .maxListBytes(1000)
                .build());

        List<String> entries = client.list("/");

        assertEquals(100, entries.size(), "entries listed");
        assertEquals(1000, entries.stream().mapToInt(String::length).sum(), "bytes of paths");
    }

    @Test
    void listPastByteLimitFails() throws IOException {
        start(FaultDriver.options(directory, "many-entries",
                        Map.of("count", "101", "length", "10"))
                .callTimeout(CALL_TIMEOUT)
                .maxListBytes(1000)
                .build());

        ListTooLargeException e = assertThrows(ListTooLargeException.class,
                () -> client.list("/"));

        assertMessageContains("List /: driver faultdriver returned more than 1000 bytes of "
                + "paths, the limit of this client. Raise the limit with "
                + "DriverOptions.Builder.maxListBytes", e);
        assertClientWorks(client, "/after-long-entries");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/elsewhere/x", "/dir", "/dir/", "/dir/a/b", "/dir/a//", "/dirx/a"})
    void listEntryOutsideDirectoryIsProtocolError(String entry) throws IOException {
        start("foreign-path", Map.of("entry", entry), CALL_TIMEOUT);

        DriverProtocolException e = assertThrows(DriverProtocolException.class,
                () -> client.list("/dir"));

        assertMessageContains("List /dir: driver faultdriver returned \"" + entry
                + "\", which is not a direct child of /dir. This is a bug in the driver", e);
        assertEquals(List.of(entry), client.unchecked().list("/dir"), "unchecked entries");
        assertClientWorks(client, "/after-foreign-list");
    }

    @Test
    void listEntryOfRootIsChecked() throws IOException {
        start("foreign-path", Map.of("entry", "/a/b"), CALL_TIMEOUT);

        DriverProtocolException e = assertThrows(DriverProtocolException.class,
                () -> client.list("/"));

        assertMessageContains("List /: driver faultdriver returned \"/a/b\", which is not a "
                + "direct child of /", e);
    }

    @Test
    void listEntryThatIsChildIsAccepted() throws IOException {
        start("foreign-path", Map.of("entry", "/dir/a"), CALL_TIMEOUT);

        assertEquals(List.of("/dir/a"), client.list("/dir"), "entries");
    }

    @Test
    void statOfOtherPathIsProtocolError() throws IOException {
        start("foreign-path", Map.of("op", "Stat", "entry", "/other"), CALL_TIMEOUT);

        DriverProtocolException e = assertThrows(DriverProtocolException.class,
                () -> client.stat("/x"));

        assertMessageContains("Stat /x: driver faultdriver returned the metadata of \"/other\" "
                + "instead of the requested path. This is a bug in the driver", e);
        assertEquals("/other", client.unchecked().stat("/x").path(), "unchecked path");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/dir", "/elsewhere/x", "/dirx", "/dir/a b/../c"})
    void walkEntryOutsideDirectoryIsProtocolError(String entry) throws IOException {
        start("foreign-path", Map.of("op", "Walk", "entry", entry), CALL_TIMEOUT);
        List<String> visited = new ArrayList<>();

        DriverProtocolException e = assertThrows(DriverProtocolException.class,
                () -> client.walk("/dir", info -> {
                    visited.add(info.path());
                    return WalkVisitor.Decision.CONTINUE;
                }));

        assertMessageContains("Walk /dir: driver faultdriver returned \"" + entry
                + "\", which is not a valid path below /dir. This is a bug in the driver", e);
        assertEquals(List.of(), visited, "entries visited");
    }

    @Test
    void answersWithoutFinDoNotAccumulate() throws IOException {
        start("no-fin", Map.of(), CALL_TIMEOUT);
        int calls = 3000;

        for (int i = 0; i < calls; i++) {
            assertTrue(client.stat("/").isDirectory(), "stat " + i + " without FIN");
        }

        assertTrue(client.isAlive(), "client alive after " + calls + " answers without FIN");
        assertClientWorksWithoutGet(client, "/after-no-fin");
    }

    @Test
    void putContentAnsweredOkEarlyIsProtocolError() throws IOException {
        start("early-ok", Map.of(), CALL_TIMEOUT);
        // Larger than the driver's receive window, so the response arrives before the content ends.
        byte[] content = new byte[4 * 1024 * 1024];

        DriverProtocolException e = assertThrows(DriverProtocolException.class,
                () -> client.putContent("/early", content));

        assertMessageContains("PutContent /early: driver faultdriver answered ok before it read "
                + "the end of the content, so it may not have stored all of it", e);
        client.unchecked().putContent("/early", content);
        assertTrue(client.stat("/").isDirectory(), "stat of the root after the early answers");
    }

    @Test
    void writeStreamAnsweredOkEarlyIsProtocolError() throws IOException {
        start("early-ok", Map.of("op", "WriteStream"), CALL_TIMEOUT);
        byte[] content = new byte[4 * 1024 * 1024];

        DriverProtocolException e = assertThrows(DriverProtocolException.class,
                () -> client.writeStream("/early", 0, new ByteArrayInputStream(content)));

        assertMessageContains("WriteStream /early: driver faultdriver answered ok before it read "
                + "the end of the content", e);
        assertEquals(0, client.unchecked().writeStream("/early", 0,
                new ByteArrayInputStream(content)), "bytes written, as the unchecked view returns");
        assertClientWorks(client, "/after-early-ok");
    }

    @Test
    void walkOfManyEntriesHasNoLimit() throws IOException {
        int entries = DriverOptions.Builder.DEFAULT_MAX_LIST_ENTRIES + 1;
        start("many-entries", Map.of("op", "Walk", "count", Integer.toString(entries)),
                CALL_TIMEOUT);
        int[] visited = {0};

        client.walk("/", entry -> {
            visited[0]++;
            return WalkVisitor.Decision.CONTINUE;
        });

        assertEquals(entries, visited[0], "entries visited");
    }

    @Test
    void secondAnswerIsIgnored() throws IOException {
        start("answer-twice", Map.of(), CALL_TIMEOUT);

        FileInfo first = client.stat("/twice");
        FileInfo second = client.stat("/twice-again");

        assertEquals("/twice", first.path(), "path of the first answer");
        assertEquals("/twice-again", second.path(), "path of the second call's answer");
        assertClientWorks(client, "/after-double-answer");
        assertTrue(client.isAlive(), "client is alive after double answers");
    }

    @Test
    void closedSocketFailsCalls() throws IOException {
        start("close-socket", Map.of(), CALL_TIMEOUT);

        DriverExitedException e = assertThrows(DriverExitedException.class,
                () -> client.stat("/x"));

        assertMessageContains("closed its socket but is still running", e);
        assertTrue(e.exitCode().isEmpty(), "no exit code while the process runs");
        assertTrue(e.stderrTail().stream().anyMatch(line -> line.contains("closing the socket")),
                "stderr tail: " + e.stderrTail());
        assertThrows(DriverExitedException.class, () -> client.stat("/later"),
                "stat after the socket closed");
    }

    @Test
    void driverOpenedStreamsAreReset() throws IOException {
        start("open-streams", Map.of("count", "8", "bytes", "2000000"), CALL_TIMEOUT);

        FileInfo done = client.stat("/streams-done");

        assertEquals("/streams-done", done.path(), "the driver finished its streams");
        assertClientWorks(client, "/after-driver-streams");
    }

    @Test
    void writesToStuckReaderTimeOut() throws IOException {
        start("stuck-reader", Map.of(), CALL_TIMEOUT);
        byte[] content = new byte[8 * 1024 * 1024];

        DriverTimeoutException first = assertThrows(DriverTimeoutException.class,
                () -> client.putContent("/first", content));
        DriverTimeoutException second = assertThrows(DriverTimeoutException.class,
                () -> client.putContent("/second", content));

        assertMessageContains("PutContent /first on driver faultdriver timed out", first);
        assertMessageContains("PutContent /second on driver faultdriver timed out", second);
    }

    @Test
    void interruptedWriteToStuckReaderFails() throws Exception {
        start("stuck-reader", Map.of(), Duration.ZERO);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                client.putContent("/blocked", new byte[8 * 1024 * 1024]);
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }, "blocked-writer");
        writer.start();
        DriverLogs.awaitLine(client, "stopped reading the socket");
        awaitWaiting(writer);

        writer.interrupt();
        writer.join(30_000);

        assertFalse(writer.isAlive(), "the interrupted writer ended");
        assertInstanceOf(CallInterruptedException.class, failure.get(),
                "failure of the interrupted write");
        assertMessageContains("PutContent /blocked on driver faultdriver was cancelled",
                failure.get());
    }

    @Test
    void closeKillsDriverIgnoringSigterm() throws IOException, InterruptedException {
        DriverOptions options = FaultDriver.options(directory, "none",
                Map.of("ignore-eof", "true"), "--ignore-sigterm").build();
        driverName = FaultDriver.driverName(options.executable().orElseThrow());
        client = DriverClient.start(options);
        assertClientWorks(client, "/before-close");
        long pid = client.pid();

        client.close();

        assertTrue(HostResources.awaitGone(pid, Duration.ofSeconds(10)),
                "driver " + pid + " is alive after close");
        assertTrue(client.stderrTail().stream().anyMatch(line -> line.contains("ignoring it")),
                "the driver ignored the end of its socket; stderr tail: " + client.stderrTail());
    }

    /** Waits until {@code thread} waits, which for the readers here means it is blocked. */
    private static void awaitWaiting(Thread thread) throws InterruptedException {
        while (thread.getState() != Thread.State.WAITING
                && thread.getState() != Thread.State.TIMED_WAITING) {
            Thread.sleep(10);
        }
    }
}

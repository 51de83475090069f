package io.storagedriver.client;

import io.storagedriver.DriverExitedException;
import io.storagedriver.DriverProtocolException;
import io.storagedriver.DriverTimeoutException;
import io.storagedriver.ListTooLargeException;
import io.storagedriver.StorageDriverException;
import io.storagedriver.WalkVisitor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Runs one fault of {@link FaultDriver} that could make a careless host buffer without bound:
 * floods of the driver's output, a driver that stops reading its socket, streams that the
 * driver opens, content longer than announced, and listings of very many or very long
 * entries. {@link HostMemoryTest} runs it in a JVM
 * with a small heap and {@code -XX:+ExitOnOutOfMemoryError}, so running out of memory ends the
 * JVM with status 3.
 *
 * <p>Usage: {@code HostMemoryScenarios <scenario> <directory>}, with the Python interpreter in
 * the system property {@value FaultDriver#PYTHON_PROPERTY}. Prints {@value #PASS_PREFIX} and
 * the scenario and exits with status 0 when the host behaved, or prints the failure and exits
 * with status 1.
 */
public final class HostMemoryScenarios {
    static final String PASS_PREFIX = "scenario passed: ";

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

    /** A call timeout for calls that wait for a flood; a guard, not a measure of speed. */
    private static final Duration FLOOD_TIMEOUT = Duration.ofSeconds(120);

    private HostMemoryScenarios() {}

    public static void main(String[] args) throws Exception {
        String scenario = args[0];
        Path directory = Path.of(args[1]);
        try {
            run(scenario, directory);
        } catch (RuntimeException | AssertionError e) {
            System.out.println("scenario failed: " + scenario + ": " + e);
            e.printStackTrace(System.out);
            System.exit(1);
        }
        System.out.println(PASS_PREFIX + scenario + " maxHeap=" + Runtime.getRuntime().maxMemory());
        System.exit(0);
    }

    private static void run(String scenario, Path directory) throws Exception {
        switch (scenario) {
            case "flood-stderr-lines" -> flood(directory, "flood-stderr", "true");
            case "flood-stderr-one-line" -> flood(directory, "flood-stderr", "false");
            case "flood-stdout-lines" -> flood(directory, "flood-stdout", "true");
            case "stuck-reader" -> stuckReader(directory);
            case "stuck-reader-ping-flood" -> pingFlood(directory);
            case "driver-opened-streams" -> driverOpenedStreams(directory);
            case "content-longer-than-announced" -> longerContent(directory);
            case "content-shorter-than-announced" -> shorterContent(directory);
            case "list-line-without-end" -> endlessLine(directory);
            case "list-many-short-entries" -> manyEntries(directory, 3_000_000, 8);
            case "list-many-long-entries" -> manyEntries(directory, 20_000, 10_000);
            case "walk-many-entries" -> walkManyEntries(directory, 1_000_000);
            case "answers-without-fin" -> answersWithoutFin(directory, 10_000);
            default -> throw new IllegalArgumentException("unknown scenario " + scenario);
        }
    }

    private static DriverClient start(Path directory, String fault,
            Map<String, String> parameters, Duration callTimeout) throws Exception {
        return DriverClient.start(FaultDriver.options(directory, fault, parameters)
                .callTimeout(callTimeout)
                .build());
    }

    /** Checks that the client still serves a put and a stat. */
    private static void checkWorks(DriverClient client, String path) {
        client.putContent(path, new byte[] {1, 2, 3});
        check(client.stat(path).size() == 3, "stat of " + path + " after the fault");
    }

    private static void flood(Path directory, String fault, String newlines) throws Exception {
        try (DriverClient client = start(directory, fault,
                Map.of("mib", "100", "newlines", newlines), FLOOD_TIMEOUT)) {
            client.stat("/flood-done");
            checkWorks(client, "/after-flood");
            int tailBytes = client.stderrTail().stream().mapToInt(String::length).sum();
            check(tailBytes < 1024 * 1024, "the stderr tail contains " + tailBytes + " chars");
        }
    }

    /**
     * Runs a driver that stops reading its socket while the host sends 16 MiB: the put fails
     * with the call timeout, and so do the next put, which finds the host's send buffer full,
     * and a stat. Closing the client then stops the driver.
     */
    private static void stuckReader(Path directory) throws Exception {
        DriverClient client = start(directory, "stuck-reader", Map.of(), CALL_TIMEOUT);
        long pid = client.pid();
        try (client) {
            byte[] content = new byte[16 * 1024 * 1024];
            expect(DriverTimeoutException.class, () -> client.putContent("/big", content));
            expect(DriverTimeoutException.class, () -> client.putContent("/big2", content));
            expect(DriverTimeoutException.class, () -> client.stat("/third"));
        }
        check(!HostResources.isAlive(pid), "the stuck driver " + pid + " is alive after close");
    }

    /**
     * Runs a driver that stops reading its socket and sends 100,000 pings: the host cannot queue
     * the ping replies, so it ends the session with a protocol error naming the cause, and later
     * calls fail at once. Closing the client then stops the driver.
     */
    private static void pingFlood(Path directory) throws Exception {
        DriverClient client = start(directory, "stuck-reader", Map.of("pings", "100000"),
                CALL_TIMEOUT);
        long pid = client.pid();
        try (client) {
            byte[] content = new byte[16 * 1024 * 1024];
            StorageDriverException first = expect(DriverProtocolException.class,
                    () -> client.putContent("/big", content));
            check(first.getMessage().contains("stopped reading its socket"),
                    "message of the first failure: " + first.getMessage());
            StorageDriverException later = expect(DriverExitedException.class,
                    () -> client.stat("/later"));
            check(later.getMessage().contains("stopped reading its socket"),
                    "message of the later failure: " + later.getMessage());
        }
        check(!HostResources.isAlive(pid), "the stuck driver " + pid + " is alive after close");
    }

    /** Makes calls to a driver that never sends FIN, whose finished streams must not pile up. */
    private static void answersWithoutFin(Path directory, int calls) throws Exception {
        try (DriverClient client = start(directory, "no-fin", Map.of(), CALL_TIMEOUT)) {
            for (int i = 0; i < calls; i++) {
                check(client.stat("/").isDirectory(), "stat " + i + " without FIN");
            }
            checkWorks(client, "/after-no-fin");
        }
    }

    private static void driverOpenedStreams(Path directory) throws Exception {
        try (DriverClient client = start(directory, "open-streams",
                Map.of("count", "256", "bytes", "1048576"), FLOOD_TIMEOUT)) {
            client.stat("/streams-done");
            checkWorks(client, "/after-streams");
        }
    }

    private static void longerContent(Path directory) throws Exception {
        try (DriverClient client = start(directory, "overflow-content",
                Map.of("size", "10", "bytes", Integer.toString(200 * 1024 * 1024)),
                FLOOD_TIMEOUT)) {
            expect(DriverProtocolException.class, () -> client.getContent("/x"));
            checkWorks(client, "/after-overflow");
        }
    }

    private static void shorterContent(Path directory) throws Exception {
        try (DriverClient client = start(directory, "lie-size",
                Map.of("size", "2000000000", "bytes", "1000"), FLOOD_TIMEOUT)) {
            expect(DriverProtocolException.class, () -> client.getContent("/x"));
            checkWorks(client, "/after-lie");
        }
    }

    private static void endlessLine(Path directory) throws Exception {
        try (DriverClient client = start(directory, "long-line", Map.of("mib", "200"),
                FLOOD_TIMEOUT)) {
            expect(DriverProtocolException.class, () -> client.list("/"));
            checkWorks(client, "/after-long-line");
        }
    }

    /**
     * Runs a driver that lists {@code count} entries of {@code length} bytes, 26 MB of short
     * paths or 200 MB of long ones, which would not fit the small heap as a list of strings: the
     * list fails at the default limit of entries or bytes.
     */
    private static void manyEntries(Path directory, int count, int length) throws Exception {
        try (DriverClient client = start(directory, "many-entries",
                Map.of("count", Integer.toString(count), "length", Integer.toString(length)),
                FLOOD_TIMEOUT)) {
            expect(ListTooLargeException.class, () -> client.list("/"));
            checkWorks(client, "/after-many-entries");
        }
    }

    /** Runs a driver that walks {@code count} entries, which the host passes on one by one. */
    private static void walkManyEntries(Path directory, int count) throws Exception {
        try (DriverClient client = start(directory, "many-entries",
                Map.of("op", "Walk", "count", Integer.toString(count)), FLOOD_TIMEOUT)) {
            long[] visited = {0};
            client.walk("/", entry -> {
                visited[0]++;
                return WalkVisitor.Decision.CONTINUE;
            });
            check(visited[0] == count, "walk visited " + visited[0] + " of " + count
                    + " entries");
            checkWorks(client, "/after-walk");
        }
    }

    private static StorageDriverException expect(Class<? extends StorageDriverException> type,
            Runnable call) {
        try {
            call.run();
        } catch (StorageDriverException e) {
            check(type.isInstance(e), "expected " + type.getSimpleName() + ", actual " + e);
            System.out.println("expected failure: " + e);
            return e;
        }
        throw new AssertionError("expected " + type.getSimpleName() + ", but the call returned");
    }

    private static void check(boolean condition, String description) {
        if (!condition) {
            throw new AssertionError("check failed: " + description);
        }
    }
}

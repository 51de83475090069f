package io.storagedriver.client;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads what a driver wrote to its standard error, which reaches the host asynchronously. */
final class DriverLogs {
    /** The debug line of the SDK for each call it receives; see {@link TestDriverOptions}. */
    private static final Pattern CALL_LINE = Pattern.compile("call stream=(\\d+) op=(\\w+)");

    /** How long to wait for a line before failing; a guard against hangs, not a speed check. */
    private static final Duration WAIT_LIMIT = Duration.ofSeconds(30);

    private DriverLogs() {}

    /**
     * Waits until the standard error tail of {@code client} satisfies {@code condition} and
     * returns that tail; fails naming {@code expected} when it does not within the limit.
     */
    static List<String> awaitTail(DriverClient client, String expected,
            Predicate<List<String>> condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_LIMIT.toNanos();
        while (true) {
            List<String> tail = client.stderrTail();
            if (condition.test(tail)) {
                return tail;
            }
            if (System.nanoTime() > deadline) {
                return fail("driver " + client.name() + " did not write " + expected + " within "
                        + WAIT_LIMIT.toSeconds() + " s; its standard error ends with:\n"
                        + String.join("\n", tail));
            }
            Thread.sleep(20);
        }
    }

    /** Waits until some line of the tail contains {@code text}. */
    static List<String> awaitLine(DriverClient client, String text) throws InterruptedException {
        return awaitTail(client, "a line containing \"" + text + "\"",
                tail -> tail.stream().anyMatch(line -> line.contains(text)));
    }

    /** Returns the stream ids of the calls logged in {@code tail}, with their operations. */
    static List<LoggedCall> calls(List<String> tail) {
        List<LoggedCall> calls = new ArrayList<>();
        for (String line : tail) {
            Matcher matcher = CALL_LINE.matcher(line);
            if (matcher.find()) {
                calls.add(new LoggedCall(Integer.parseInt(matcher.group(1)), matcher.group(2)));
            }
        }
        return calls;
    }

    /** One call that reached the driver. */
    record LoggedCall(int streamId, String operation) {}
}

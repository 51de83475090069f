package io.storagedriver.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.EventType;

/** Runs fixture classes through the Jupiter engine and reads what they reported. */
final class FixtureRuns {
    private FixtureRuns() {}

    /** Runs the classes with the given configuration parameters. */
    static EngineExecutionResults run(Map<String, String> configuration, Class<?>... classes) {
        EngineTestKit.Builder builder = EngineTestKit.engine("junit-jupiter")
                .configurationParameters(configuration);
        for (Class<?> type : classes) {
            builder.selectors(selectClass(type));
        }
        return builder.execute();
    }

    /** Runs the classes without configuration parameters. */
    static EngineExecutionResults run(Class<?>... classes) {
        return run(Map.of(), classes);
    }

    /** Returns the values of every report entry with {@code key}, in publishing order. */
    static List<String> reported(EngineExecutionResults results, String key) {
        List<String> values = new ArrayList<>();
        results.allEvents().reportingEntryPublished().stream()
                .map(event -> event.getPayload(ReportEntry.class).orElseThrow())
                .map(entry -> entry.getKeyValuePairs().get(key))
                .filter(value -> value != null)
                .forEach(values::add);
        return values;
    }

    /** Returns the process ids that fixtures published under the key {@code pid}. */
    static List<Long> pids(EngineExecutionResults results) {
        return reported(results, "pid").stream().map(Long::valueOf).toList();
    }

    /**
     * Returns the failure of the first failed container or test named {@code name}: a class by
     * its simple name, a method by its name followed by its parameter list.
     */
    static Throwable failureOf(EngineExecutionResults results, String name) {
        return results.allEvents().finished().stream()
                .filter(event -> matches(event.getTestDescriptor().getDisplayName(), name))
                .map(Event::getPayload)
                .flatMap(Optional::stream)
                .filter(TestExecutionResult.class::isInstance)
                .map(TestExecutionResult.class::cast)
                .filter(result -> result.getStatus() == TestExecutionResult.Status.FAILED)
                .map(result -> result.getThrowable().orElseThrow())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no failure of \"" + name
                        + "\" among " + describe(results)));
    }

    private static boolean matches(String displayName, String name) {
        return displayName.equals(name) || displayName.endsWith("$" + name)
                || displayName.startsWith(name + "(");
    }

    /** Returns the messages of every failure, for assertion messages. */
    static String describe(EngineExecutionResults results) {
        List<String> lines = new ArrayList<>();
        results.allEvents().stream()
                .filter(event -> event.getType() == EventType.FINISHED)
                .forEach(event -> {
                    TestExecutionResult result =
                            event.getPayload(TestExecutionResult.class).orElseThrow();
                    lines.add(event.getTestDescriptor().getDisplayName() + ": "
                            + result.getStatus() + result.getThrowable()
                                    .map(t -> " " + t).orElse(""));
                });
        return String.join("\n", lines);
    }

    /** Fails unless {@code text} contains each of {@code parts}, naming the first one missing. */
    static void assertContains(String text, String... parts) {
        for (String part : parts) {
            if (!text.contains(part)) {
                throw new AssertionError("expected \"" + part + "\" in: " + text);
            }
        }
    }

    /** Waits until the process has exited; true when it did within the timeout. */
    static boolean exited(long pid, Duration timeout) throws Exception {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty()) {
            return true;
        }
        try {
            process.get().onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return !process.get().isAlive();
        }
    }
}

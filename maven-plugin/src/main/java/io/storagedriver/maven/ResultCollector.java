package io.storagedriver.maven;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Turns the JUnit Platform's execution events into {@link CheckResult}s: one per check, plus one
 * per container that failed or was aborted as a whole (for example when its driver could not be
 * started). Calls {@code onSuiteClassStarted} and {@code onSuiteClassFinished} around each
 * top-level suite class so that progress can be logged as the suite runs.
 *
 * <p>Safe for concurrent execution: events for different checks may arrive on different threads.
 */
final class ResultCollector implements TestExecutionListener {
    /** JUnit publishes captured standard output and error as report entries with these keys. */
    private static final String STDOUT_KEY = "stdout";
    private static final String STDERR_KEY = "stderr";

    private final Consumer<String> onSuiteClassStarted;
    private final BiConsumer<String, List<CheckResult>> onSuiteClassFinished;
    private final Map<String, Long> startNanos = new ConcurrentHashMap<>();
    private final Map<String, StringBuilder> output = new ConcurrentHashMap<>();
    private final Map<String, StringBuilder> errorOutput = new ConcurrentHashMap<>();
    private final List<CheckResult> results = new ArrayList<>();
    private volatile TestPlan plan;

    ResultCollector(Consumer<String> onSuiteClassStarted,
            BiConsumer<String, List<CheckResult>> onSuiteClassFinished) {
        this.onSuiteClassStarted = onSuiteClassStarted;
        this.onSuiteClassFinished = onSuiteClassFinished;
    }

    /** Returns the results collected so far, in the order the checks finished. */
    List<CheckResult> results() {
        synchronized (results) {
            return List.copyOf(results);
        }
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        this.plan = testPlan;
    }

    @Override
    public void executionStarted(TestIdentifier identifier) {
        startNanos.put(identifier.getUniqueId(), System.nanoTime());
        if (isSuiteClass(identifier)) {
            onSuiteClassStarted.accept(suiteClassOf(identifier));
        }
    }

    @Override
    public void executionSkipped(TestIdentifier identifier, String reason) {
        CheckResult.Failure failure = new CheckResult.Failure("", reason, "", null);
        if (identifier.isTest()) {
            add(result(identifier, CheckResult.Status.SKIPPED, Duration.ZERO, failure));
            return;
        }
        for (TestIdentifier descendant : plan.getDescendants(identifier)) {
            if (descendant.isTest()) {
                add(result(descendant, CheckResult.Status.SKIPPED, Duration.ZERO, failure));
            }
        }
        if (isSuiteClass(identifier)) {
            String suiteClass = suiteClassOf(identifier);
            onSuiteClassStarted.accept(suiteClass);
            onSuiteClassFinished.accept(suiteClass, resultsOf(suiteClass));
        }
    }

    @Override
    public void executionFinished(TestIdentifier identifier, TestExecutionResult outcome) {
        Long started = startNanos.remove(identifier.getUniqueId());
        Duration time = started == null ? Duration.ZERO : Duration.ofNanos(System.nanoTime()
                - started);
        boolean containerFailed = identifier.isContainer()
                && outcome.getStatus() != TestExecutionResult.Status.SUCCESSFUL;
        if (identifier.isTest() || containerFailed) {
            add(result(identifier, statusOf(outcome), time, failureOf(outcome)));
        }
        if (isSuiteClass(identifier)) {
            String suiteClass = suiteClassOf(identifier);
            onSuiteClassFinished.accept(suiteClass, resultsOf(suiteClass));
        }
    }

    @Override
    public void reportingEntryPublished(TestIdentifier identifier, ReportEntry entry) {
        for (Map.Entry<String, String> pair : entry.getKeyValuePairs().entrySet()) {
            String key = pair.getKey();
            if (key.equals(STDERR_KEY)) {
                buffer(errorOutput, identifier).append(pair.getValue());
            } else if (key.equals(STDOUT_KEY)) {
                buffer(output, identifier).append(pair.getValue());
            } else {
                buffer(output, identifier).append('[').append(entry.getTimestamp()).append("] ")
                        .append(key).append(" = ").append(pair.getValue()).append('\n');
            }
        }
    }

    private List<CheckResult> resultsOf(String suiteClass) {
        return results().stream().filter(check -> check.suiteClass().equals(suiteClass)).toList();
    }

    private void add(CheckResult result) {
        synchronized (results) {
            results.add(result);
        }
    }

    private CheckResult result(TestIdentifier identifier, CheckResult.Status status,
            Duration time, CheckResult.Failure failure) {
        String id = identifier.getUniqueId();
        return new CheckResult(suiteClassOf(identifier), checkIdOf(identifier),
                identifier.getDisplayName(), status, time, failure,
                text(output.remove(id)), text(errorOutput.remove(id)));
    }

    /** Returns the check id of {@code identifier} or, for a dynamic test, of its parent check. */
    private String checkIdOf(TestIdentifier identifier) {
        for (TestIdentifier node = identifier; node != null; node = parentOf(node)) {
            Optional<String> id = CheckIds.fromDisplayName(node.getDisplayName());
            if (id.isPresent()) {
                return id.get();
            }
        }
        return "";
    }

    /** Returns the name of the outermost class containing {@code identifier}. */
    private String suiteClassOf(TestIdentifier identifier) {
        String suiteClass = identifier.getDisplayName();
        for (TestIdentifier node = identifier; node != null; node = parentOf(node)) {
            if (node.getSource().orElse(null) instanceof ClassSource source) {
                suiteClass = source.getClassName();
            }
        }
        return suiteClass;
    }

    /** Returns whether {@code identifier} is a top-level class: a class whose parent is not. */
    private boolean isSuiteClass(TestIdentifier identifier) {
        if (!(identifier.getSource().orElse(null) instanceof ClassSource)) {
            return false;
        }
        TestIdentifier parent = parentOf(identifier);
        return parent == null || !(parent.getSource().orElse(null) instanceof ClassSource);
    }

    private TestIdentifier parentOf(TestIdentifier identifier) {
        return identifier.getParentIdObject().map(plan::getTestIdentifier).orElse(null);
    }

    private static CheckResult.Status statusOf(TestExecutionResult outcome) {
        return switch (outcome.getStatus()) {
            case SUCCESSFUL -> CheckResult.Status.PASSED;
            case ABORTED -> CheckResult.Status.SKIPPED;
            case FAILED -> outcome.getThrowable().orElse(null) instanceof AssertionError
                    ? CheckResult.Status.FAILED
                    : CheckResult.Status.ERROR;
        };
    }

    private static CheckResult.Failure failureOf(TestExecutionResult outcome) {
        if (outcome.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
            return null;
        }
        Throwable thrown = outcome.getThrowable().orElse(null);
        if (thrown == null) {
            return new CheckResult.Failure("", "", "", null);
        }
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        String message = thrown.getMessage() == null ? "" : thrown.getMessage();
        return new CheckResult.Failure(thrown.getClass().getName(), message, trace.toString(),
                thrown);
    }

    private static StringBuilder buffer(Map<String, StringBuilder> buffers,
            TestIdentifier identifier) {
        return buffers.computeIfAbsent(identifier.getUniqueId(), key -> new StringBuilder());
    }

    private static String text(StringBuilder buffer) {
        return buffer == null ? "" : buffer.toString();
    }
}

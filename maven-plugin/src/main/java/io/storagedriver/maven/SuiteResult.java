package io.storagedriver.maven;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The outcome of one run of the suite.
 *
 * @param checks the results in the order the checks finished
 * @param reportsDirectory the folder holding the XML reports and the driver log
 * @param driverLog the file holding what the drivers wrote to standard output and standard error
 */
record SuiteResult(List<CheckResult> checks, Path reportsDirectory, Path driverLog) {
    SuiteResult {
        checks = List.copyOf(checks);
        Objects.requireNonNull(reportsDirectory, "reportsDirectory");
        Objects.requireNonNull(driverLog, "driverLog");
    }

    int total() {
        return checks.size();
    }

    int count(CheckResult.Status status) {
        return count(checks, status);
    }

    /** Returns the checks that failed or ended with an error, in the order they finished. */
    List<CheckResult> failed() {
        return failed(checks);
    }

    /** Returns the line {@code Tests run: N, Failures: F, Errors: E, Skipped: S}. */
    String countLine() {
        return countLine(checks);
    }

    /**
     * Returns a sentence naming each failed check once, with the count of failed tests, and the
     * reports folder. A check with several tests, such as one test per size, counts once.
     */
    String failureMessage() {
        List<String> ids = distinctLabels(failed());
        return ids.size() + (ids.size() == 1 ? " storage driver check" : " storage driver checks")
                + " failed: " + String.join(", ", ids) + " (" + failed().size() + " of "
                + total() + " tests). See the reports in " + reportsDirectory;
    }

    /** Returns the labels of {@code checks}, each once, in the order they first appear. */
    static List<String> distinctLabels(List<CheckResult> checks) {
        return List.copyOf(checks.stream()
                .map(CheckResult::label)
                .collect(Collectors.toCollection(LinkedHashSet::new)));
    }

    static int count(List<CheckResult> checks, CheckResult.Status status) {
        return (int) checks.stream().filter(check -> check.status() == status).count();
    }

    static List<CheckResult> failed(List<CheckResult> checks) {
        return checks.stream().filter(CheckResult::failedOrError).toList();
    }

    static String countLine(List<CheckResult> checks) {
        return "Tests run: " + checks.size()
                + ", Failures: " + count(checks, CheckResult.Status.FAILED)
                + ", Errors: " + count(checks, CheckResult.Status.ERROR)
                + ", Skipped: " + count(checks, CheckResult.Status.SKIPPED);
    }
}

package io.storagedriver.maven;

import io.storagedriver.CallInterruptedException;
import io.storagedriver.DriverExitedException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/**
 * Writes the suite's progress and results to a {@link RunLog} in the manner of Maven Surefire: a
 * line per suite class as it starts and finishes, then the failures and errors with the first
 * line of each cause (and the last lines of standard error of a driver that crashed), the reasons
 * for aborted checks, then the counts, the reports folder and the command that reruns one failed
 * check.
 */
final class ConsoleReport {
    /** The max number of lines below a failed check's line, such as a crashed driver's stderr. */
    private static final int MAX_DETAIL_LINES = 10;
    /** The part of the client's message for an interrupted call that follows the call. */
    private static final String INTERRUPTED_ON_DRIVER = " on driver ";

    private final RunLog log;
    private final String driver;
    private final Duration callTimeout;

    /**
     * @param driver the driver as {@link DriverSettings#describe} gives it
     * @param callTimeout the call timeout the driver has, or zero for none, for the remedy of a
     *     check that timed out
     */
    ConsoleReport(RunLog log, String driver, Duration callTimeout) {
        this.log = log;
        this.driver = driver;
        this.callTimeout = callTimeout;
    }

    void suiteClassStarted(String suiteClass) {
        log.info("Running " + suiteClass);
    }

    void suiteClassFinished(String suiteClass, List<CheckResult> checks) {
        Duration time = Duration.ZERO;
        for (CheckResult check : checks) {
            time = time.plus(check.time());
        }
        String line = SuiteResult.countLine(checks) + ", Time elapsed: "
                + SurefireXmlWriter.seconds(time) + " s";
        List<CheckResult> failed = SuiteResult.failed(checks);
        if (failed.isEmpty()) {
            log.info(line + " - in " + suiteClass);
            return;
        }
        log.error(line + " <<< FAILURE! - in " + suiteClass);
        for (CheckResult check : failed) {
            String outcome = check.status() == CheckResult.Status.FAILED ? "FAILURE" : "ERROR";
            log.error(check.name() + "  Time elapsed: "
                    + SurefireXmlWriter.seconds(check.time()) + " s  <<< " + outcome + "!");
        }
    }

    /** Writes the closing block, which ends with the counts, the reports folder and a rerun. */
    void finished(SuiteResult result, UnaryOperator<String> rerunCommand) {
        List<CheckResult> failed = result.failed();
        log.info("");
        log.info("Results:");
        log.info("");
        List<FailedCheck> failedChecks = FailedCheck.of(failed);
        printGroup("Failures:", failedChecks, CheckResult.Status.FAILED);
        printGroup("Errors:", failedChecks, CheckResult.Status.ERROR);
        printSkipReasons(result.checks());
        if (failed.isEmpty()) {
            log.info(result.countLine());
        } else {
            log.error(result.countLine());
        }
        log.info("Reports: " + result.reportsDirectory() + " (driver log: "
                + result.driverLog().getFileName() + ")");
        if (failed.isEmpty()) {
            return;
        }
        Optional<String> checkId = failed.stream()
                .map(CheckResult::checkId)
                .filter(id -> !id.isEmpty())
                .findFirst();
        if (checkId.isPresent()) {
            log.info("Rerun one failed check: " + rerunCommand.apply(checkId.get()));
        } else {
            // Only whole suite classes failed, and they have no check id to select.
            log.info("Rerun the suite: " + rerunCommand.apply("*"));
        }
    }

    /** Writes one line per failed check of the group, with the cause of its first failed test. */
    private void printGroup(String title, List<FailedCheck> failed, CheckResult.Status status) {
        List<FailedCheck> group = failed.stream()
                .filter(check -> check.first().status() == status)
                .toList();
        if (group.isEmpty()) {
            return;
        }
        log.error(title);
        for (FailedCheck check : group) {
            String count = check.tests() == 1 ? "" : " (" + check.tests() + " tests)";
            List<String> lines = causeLine(check.first()).lines().toList();
            log.error("  " + check.first().label() + ": " + lines.get(0) + count);
            printDetail(lines.subList(1, lines.size()));
        }
        log.info("");
    }

    /**
     * Writes the last {@value #MAX_DETAIL_LINES} of {@code lines} below a failed check's line,
     * indented, and how many earlier lines are only in the reports.
     */
    private void printDetail(List<String> lines) {
        int from = Math.max(0, lines.size() - MAX_DETAIL_LINES);
        if (from > 0) {
            log.error("      (" + from + " earlier lines in the XML report)");
        }
        for (String line : lines.subList(from, lines.size())) {
            log.error("    " + line);
        }
    }

    /**
     * A check with its failed tests, so that a check with several, such as one test per size, is
     * listed once: under Failures or Errors as its first failed test is.
     *
     * @param first the first failed test of the check
     * @param tests the number of failed tests of the check
     */
    private record FailedCheck(CheckResult first, int tests) {
        static List<FailedCheck> of(List<CheckResult> failed) {
            Map<String, FailedCheck> checks = new LinkedHashMap<>();
            for (CheckResult test : failed) {
                checks.merge(test.label(), new FailedCheck(test, 1),
                        (earlier, later) -> new FailedCheck(earlier.first(), earlier.tests() + 1));
            }
            return List.copyOf(checks.values());
        }
    }

    /**
     * Writes each reason for which checks were aborted once, with their number, such as a driver
     * that exited during an earlier check. Checks that were disabled or excluded are left out.
     */
    private void printSkipReasons(List<CheckResult> checks) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (CheckResult check : checks) {
            if (check.status() == CheckResult.Status.SKIPPED && check.failure().cause() != null) {
                counts.merge(check.failure().firstLine(), 1, Integer::sum);
            }
        }
        for (Map.Entry<String, Integer> entry : counts.entrySet()) {
            int count = entry.getValue();
            log.warn(count + (count == 1 ? " test" : " tests") + " skipped: " + entry.getKey());
        }
        if (!counts.isEmpty()) {
            log.info("");
        }
    }

    /**
     * Returns the cause: its first line, or, when the driver crashed, its exit code and the last
     * lines of its standard error, or, when the check timed out, the running call and the call
     * timeout.
     */
    private String causeLine(CheckResult check) {
        for (Throwable cause = check.failure().cause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof DriverExitedException exited) {
                return StartFailures.describeExit(exited, driver);
            }
            if (cause instanceof TimeoutException timedOut) {
                return check.failure().firstLine() + runningCall(timedOut) + callTimeoutHint();
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return check.failure().firstLine();
    }

    /**
     * Returns {@code " during the driver call <call>"} for the call that the check's timeout
     * interrupted, or an empty string when no call was interrupted or the call is not known.
     */
    private static String runningCall(TimeoutException timedOut) {
        for (Throwable suppressed : timedOut.getSuppressed()) {
            for (Throwable cause = suppressed; cause != null; cause = cause.getCause()) {
                if (cause instanceof CallInterruptedException interrupted
                        && interrupted.getMessage() != null) {
                    int end = interrupted.getMessage().indexOf(INTERRUPTED_ON_DRIVER);
                    return end <= 0 ? ""
                            : " during the driver call " + interrupted.getMessage().substring(0,
                                    end);
                }
                if (cause.getCause() == cause) {
                    break;
                }
            }
        }
        return "";
    }

    /** Returns the advice to let a hung driver call fail on its own, with the call named. */
    private String callTimeoutHint() {
        String now = callTimeout.isZero() ? "no limit"
                : callTimeout.toSeconds() + (callTimeout.toSeconds() == 1 ? " second" : " seconds");
        return ". A driver call that hangs fails sooner, and names itself, with a call timeout"
                + " below the check timeout: set storagedriver.callTimeout (now " + now + ").";
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }
}

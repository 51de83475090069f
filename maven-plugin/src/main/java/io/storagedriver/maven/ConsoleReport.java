package io.storagedriver.maven;

import io.storagedriver.DriverExitedException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Writes the suite's progress and results to a {@link RunLog} in the manner of Maven Surefire: a
 * line per suite class as it starts and finishes, then the failures and errors with the first
 * line of each cause, then the counts, the reports folder and the command that reruns one
 * failed check.
 */
final class ConsoleReport {
    private final RunLog log;
    private final String driver;

    ConsoleReport(RunLog log, String driver) {
        this.log = log;
        this.driver = driver;
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
        printGroup("Failures:", failed, CheckResult.Status.FAILED);
        printGroup("Errors:", failed, CheckResult.Status.ERROR);
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

    private void printGroup(String title, List<CheckResult> failed, CheckResult.Status status) {
        List<CheckResult> group = failed.stream().filter(c -> c.status() == status).toList();
        if (group.isEmpty()) {
            return;
        }
        log.error(title);
        for (CheckResult check : group) {
            log.error("  " + check.label() + ": " + causeLine(check));
        }
        log.info("");
    }

    /** Returns the first line of the cause, naming the exit code when the driver crashed. */
    private String causeLine(CheckResult check) {
        for (Throwable cause = check.failure().cause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof DriverExitedException exited) {
                return firstLine(StartFailures.describeExit(exited, driver));
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return check.failure().firstLine();
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }
}

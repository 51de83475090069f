package io.storagedriver.maven;

import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of one check, or of a suite class or container that failed or was skipped as a
 * whole.
 *
 * @param suiteClass the name of the top-level suite class the check belongs to
 * @param checkId the check id, or an empty string for a container without one
 * @param displayName the display name, which starts with the check id when there is one
 * @param status the outcome
 * @param time how long the check ran; zero when it did not run
 * @param failure why it failed or was skipped, or null when it passed
 * @param output what the check printed or published while it ran, possibly empty
 * @param errorOutput what the check printed to standard error while it ran, possibly empty
 */
record CheckResult(String suiteClass, String checkId, String displayName, Status status,
        Duration time, Failure failure, String output, String errorOutput) {

    /** The outcome of a check, with Surefire's meaning of failure and error. */
    enum Status {
        PASSED,
        /** An assertion did not hold. */
        FAILED,
        /** The check threw something other than an assertion error. */
        ERROR,
        /** The check was disabled, excluded at run time or aborted by an assumption. */
        SKIPPED
    }

    /**
     * The cause of a failed or skipped check.
     *
     * @param type the exception class name, or an empty string for a skip without exception
     * @param message the message, possibly several lines; empty when there is none
     * @param stackTrace the full stack trace, or an empty string when there is no exception
     * @param cause the exception itself, or null
     */
    record Failure(String type, String message, String stackTrace, Throwable cause) {
        Failure {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(stackTrace, "stackTrace");
        }

        /** Returns the first line of the message, or the type when the message is empty. */
        String firstLine() {
            String text = message.strip();
            if (text.isEmpty()) {
                return type;
            }
            int end = text.indexOf('\n');
            return (end < 0 ? text : text.substring(0, end)).strip();
        }
    }

    CheckResult {
        Objects.requireNonNull(suiteClass, "suiteClass");
        Objects.requireNonNull(checkId, "checkId");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(errorOutput, "errorOutput");
        if (status != Status.PASSED) {
            Objects.requireNonNull(failure, "failure");
        }
    }

    /**
     * Returns the display name, prefixed with the check id when it does not start with it, as for
     * the invocations of a parameterized check: {@code stream.sizes-round-trip: 1 bytes}.
     */
    String name() {
        if (checkId.isEmpty() || displayName.startsWith(checkId)) {
            return displayName;
        }
        return checkId + ": " + displayName;
    }

    /** Returns the check id, or the display name when the result has no id. */
    String label() {
        return checkId.isEmpty() ? displayName : checkId;
    }

    boolean failedOrError() {
        return status == Status.FAILED || status == Status.ERROR;
    }
}

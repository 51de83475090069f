package io.storagedriver.maven;

import io.storagedriver.DriverExitedException;
import io.storagedriver.DriverNotFoundException;
import io.storagedriver.DriverStartException;
import io.storagedriver.IncompatibleVersionException;
import io.storagedriver.InvalidParametersException;
import io.storagedriver.StorageDriverException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Recognizes the failures that keep the suite from running (the driver is missing, does not
 * start, speaks an incompatible version or rejects its parameters) and describes them for a
 * build user: what failed, on which driver, and what to change.
 */
final class StartFailures {
    /** At most this many lines of the driver's standard error go into a message. */
    private static final int MAX_STDERR_LINES = 20;
    /** The part of the client's message for a driver that did not finish its handshake in time. */
    private static final String HANDSHAKE_TIMED_OUT = "did not finish its handshake within";

    private StartFailures() {}

    /** Returns the start failure in {@code thrown} or its causes, or empty when there is none. */
    static Optional<StorageDriverException> find(Throwable thrown) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (cause instanceof DriverStartException
                    || cause instanceof IncompatibleVersionException
                    || cause instanceof InvalidParametersException) {
                return Optional.of((StorageDriverException) cause);
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return Optional.empty();
    }

    /**
     * Describes {@code failure} of the driver that {@code driver} names, as one message.
     *
     * @param driver the driver as {@link DriverSettings#describe} gives it
     * @param startTimeout the start timeout that the driver had, for the remedy of a timeout
     */
    static String describe(StorageDriverException failure, String driver, Duration startTimeout) {
        String detail = failure.getMessage() == null ? "" : failure.getMessage();
        String subject = capitalized(DriverSettings.theDriver(driver));
        if (failure instanceof DriverNotFoundException notFound) {
            StringBuilder message = new StringBuilder("Storage driver not found (" + driver
                    + "): " + detail);
            if (!notFound.searched().isEmpty() && !detail.contains(notFound.searched().get(0))) {
                message.append("\nSearched, in order:");
                notFound.searched().forEach(place -> message.append("\n  ").append(place));
            }
            message.append("\nSet storagedriver.executable to the driver's executable, or"
                    + " storagedriver.driversDirectory to the folder that contains"
                    + " registry-storagedriver-<name>.");
            return message.toString();
        }
        if (failure instanceof IncompatibleVersionException incompatible) {
            return subject + " is incompatible with this plugin: client version "
                    + orUnknown(incompatible.clientVersion()) + ", driver version "
                    + orUnknown(incompatible.driverVersion()) + ". " + detail
                    + "\nUse a driver built for the same major version and no newer minor"
                    + " version than the client.";
        }
        if (failure instanceof InvalidParametersException) {
            return subject + " rejected its parameters: " + detail
                    + "\nFix the driver parameters: <parameters> in the plugin configuration, or"
                    + " storagedriver.parameters on the command line. Parameter values are not"
                    + " shown because they may be secrets.";
        }
        if (failure instanceof DriverStartException start) {
            long seconds = startTimeout.toSeconds();
            String remedy = detail.contains(HANDSHAKE_TIMED_OUT)
                    ? "\nThe start timeout is " + seconds + (seconds == 1 ? " second" : " seconds")
                            + "; raise it with the goal's startTimeout parameter (property"
                            + " storagedriver.startTimeout)."
                    : "";
            return subject + " failed to start: " + detail + stderrTail(start.stderrTail(), detail)
                    + remedy;
        }
        return subject + " failed: " + detail;
    }

    /** Describes a driver that exited while the suite ran, with its exit code and last output. */
    static String describeExit(DriverExitedException exited, String driver) {
        String code = exited.exitCode().isPresent()
                ? "exit code " + exited.exitCode().getAsInt()
                : "exit code not known yet";
        String detail = exited.getMessage() == null ? "" : exited.getMessage();
        return capitalized(DriverSettings.theDriver(driver)) + " exited (" + code + "): "
                + detail + stderrTail(exited.stderrTail(), detail);
    }

    private static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    /**
     * Returns the last lines of standard error, unless {@code detail} already ends with them.
     * Without lines, returns a sentence stating that, unless {@code detail} contains it already.
     */
    private static String stderrTail(List<String> lines, String detail) {
        if (lines.isEmpty()) {
            return detail.contains("wrote nothing to its standard error")
                    ? "" : "\nThe driver wrote nothing to its standard error.";
        }
        if (detail.strip().endsWith(lines.get(lines.size() - 1).strip())) {
            return "";
        }
        StringBuilder tail = new StringBuilder("\nLast lines of the driver's standard error:");
        int from = Math.max(0, lines.size() - MAX_STDERR_LINES);
        for (String line : lines.subList(from, lines.size())) {
            tail.append("\n  ").append(line);
        }
        return tail.toString();
    }

    private static String orUnknown(String version) {
        return version == null || version.isEmpty() ? "(not announced)" : version;
    }
}

package io.storagedriver.maven;

import io.storagedriver.DriverExitedException;
import io.storagedriver.DriverStartException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code driver.log} beside the reports: the last lines that drivers wrote to standard error,
 * from the driver started to check the configuration and from the drivers of failed checks.
 *
 * <p>TODO: the client keeps only the last lines of a driver's standard error (its {@code
 * stderrTail()}), so the file contains those tails. The full output of the drivers that the
 * suite starts reaches only the build log.
 */
final class DriverLogFile {
    private final Path path;
    private final List<String> lines = new ArrayList<>();

    DriverLogFile(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    /** Adds the lines under a heading, which notes when there are none. */
    void section(String heading, List<String> output) {
        lines.add("# " + heading + (output.isEmpty() ? ": no output" : ":"));
        lines.addAll(output);
    }

    /**
     * Adds the driver output that a failed check carries: the tails that the suite's extension
     * attaches to a failure as suppressed exceptions of type {@code DriverStderr}, and the
     * standard error of a driver that crashed or failed to start.
     */
    void addFailure(CheckResult check) {
        if (check.failure() == null || check.failure().cause() == null) {
            return;
        }
        for (Throwable suppressed : check.failure().cause().getSuppressed()) {
            if (suppressed.getClass().getSimpleName().equals("DriverStderr")) {
                section("driver output attached to " + check.name(),
                        List.of(String.valueOf(suppressed.getMessage())));
            }
        }
        for (Throwable cause = check.failure().cause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof DriverExitedException exited) {
                String code = exited.exitCode().isPresent()
                        ? "exit code " + exited.exitCode().getAsInt() : "exit code not known";
                section("standard error of the driver that exited (" + code + ") during "
                        + check.label(), exited.stderrTail());
                return;
            }
            if (cause instanceof DriverStartException start) {
                section("standard error of the driver that failed to start for "
                        + check.label(), start.stderrTail());
                return;
            }
            if (cause.getCause() == cause) {
                return;
            }
        }
    }

    void write() throws IOException {
        Files.createDirectories(path.getParent());
        Files.write(path, lines, StandardCharsets.UTF_8);
    }

    /** Writes the file, and only warns when that fails, for use while another error is raised. */
    void writeQuietly(RunLog log) {
        try {
            write();
        } catch (IOException e) {
            log.warn("Failed to write the driver log " + path + ": " + e);
        }
    }
}

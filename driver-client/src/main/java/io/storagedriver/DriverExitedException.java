package io.storagedriver;

import java.util.List;
import java.util.OptionalInt;

/**
 * The driver process exited or its socket broke, so the call cannot complete. Carries the exit
 * code when the process has ended and the last lines the driver wrote to its standard error.
 */
public class DriverExitedException extends StorageDriverException {
    private final Integer exitCode;
    private final List<String> stderrTail;

    public DriverExitedException(
            String driverName, Integer exitCode, List<String> stderrTail, String message,
            Throwable cause) {
        super(driverName, ErrorCode.INTERNAL, message, cause);
        this.exitCode = exitCode;
        this.stderrTail = List.copyOf(stderrTail);
    }

    /** Returns the exit code, or empty while the process had not ended when the call failed. */
    public OptionalInt exitCode() {
        return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode);
    }

    /** Returns the last lines of the driver's standard error, oldest first. */
    public List<String> stderrTail() {
        return stderrTail;
    }
}

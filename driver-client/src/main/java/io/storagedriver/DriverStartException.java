package io.storagedriver;

import java.util.List;

/**
 * The driver could not be started: its executable is missing or not executable, it exited or
 * timed out before the handshake finished, or its handshake was malformed.
 */
public class DriverStartException extends StorageDriverException {
    private final List<String> stderrTail;

    public DriverStartException(String driverName, String message, List<String> stderrTail,
            Throwable cause) {
        super(driverName, ErrorCode.INTERNAL, message, cause);
        this.stderrTail = List.copyOf(stderrTail);
    }

    /** Returns the last lines of the driver's standard error, oldest first; may be empty. */
    public List<String> stderrTail() {
        return stderrTail;
    }
}

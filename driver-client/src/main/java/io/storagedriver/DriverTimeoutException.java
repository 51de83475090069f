package io.storagedriver;

import java.time.Duration;

/** A call or a driver start took longer than its configured timeout and was cancelled. */
public class DriverTimeoutException extends StorageDriverException {
    private final Duration timeout;

    public DriverTimeoutException(String driverName, Duration timeout, String message) {
        super(driverName, ErrorCode.INTERNAL, message);
        this.timeout = timeout;
    }

    /** Returns the timeout that elapsed. */
    public Duration timeout() {
        return timeout;
    }
}

package io.storagedriver;

/** The driver failed for a reason of its own; the message is the driver's. */
public class DriverInternalException extends StorageDriverException {
    public DriverInternalException(String driverName, String message) {
        super(driverName, ErrorCode.INTERNAL, message);
    }

    public DriverInternalException(String driverName, String message, Throwable cause) {
        super(driverName, ErrorCode.INTERNAL, message, cause);
    }
}

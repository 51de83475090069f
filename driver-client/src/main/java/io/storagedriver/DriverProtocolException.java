package io.storagedriver;

/** A peer broke the wire protocol: a malformed frame, message or answer. */
public class DriverProtocolException extends StorageDriverException {
    public DriverProtocolException(String driverName, String message) {
        super(driverName, ErrorCode.BAD_REQUEST, message);
    }

    public DriverProtocolException(String driverName, String message, Throwable cause) {
        super(driverName, ErrorCode.BAD_REQUEST, message, cause);
    }
}

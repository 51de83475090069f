package io.storagedriver;

/**
 * The base of every failure reported by a storage driver or by the client that talks to it.
 * Subclasses name the kind; {@link #code()} gives the matching wire code.
 */
public class StorageDriverException extends RuntimeException {
    private final String driverName;
    private final ErrorCode code;

    public StorageDriverException(String driverName, ErrorCode code, String message) {
        this(driverName, code, message, null);
    }

    public StorageDriverException(
            String driverName, ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.driverName = driverName;
        this.code = code;
    }

    /** Returns the name of the driver that failed, or an empty string when it is not known. */
    public String driverName() {
        return driverName == null ? "" : driverName;
    }

    /** Returns the wire code of this failure. */
    public ErrorCode code() {
        return code;
    }
}

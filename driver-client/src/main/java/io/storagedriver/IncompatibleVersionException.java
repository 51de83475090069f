package io.storagedriver;

/** The host and the driver speak versions that cannot work together. */
public class IncompatibleVersionException extends StorageDriverException {
    private final String clientVersion;
    private final String driverVersion;

    public IncompatibleVersionException(
            String driverName, String clientVersion, String driverVersion, String message) {
        super(driverName, ErrorCode.INCOMPATIBLE_VERSION, message);
        this.clientVersion = clientVersion;
        this.driverVersion = driverVersion;
    }

    /** Returns the version the client implements. */
    public String clientVersion() {
        return clientVersion;
    }

    /** Returns the version the driver announced. */
    public String driverVersion() {
        return driverVersion;
    }
}

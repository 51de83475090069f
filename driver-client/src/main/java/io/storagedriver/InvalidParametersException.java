package io.storagedriver;

/** The driver rejected its parameters, such as a missing {@code rootdirectory}. */
public class InvalidParametersException extends StorageDriverException {
    public InvalidParametersException(String driverName, String message) {
        super(driverName, ErrorCode.INVALID_PARAMETERS, message);
    }
}

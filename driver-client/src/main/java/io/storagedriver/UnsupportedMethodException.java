package io.storagedriver;

/** The driver does not offer the operation. */
public class UnsupportedMethodException extends StorageDriverException {
    private final String operation;

    public UnsupportedMethodException(String driverName, String operation) {
        super(driverName, ErrorCode.UNSUPPORTED_METHOD,
                "driver " + driverName + " does not support the operation " + operation);
        this.operation = operation;
    }

    /** Returns the wire name of the operation, such as {@code Walk}. */
    public String operation() {
        return operation;
    }
}

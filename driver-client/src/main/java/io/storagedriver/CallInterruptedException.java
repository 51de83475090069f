package io.storagedriver;

/**
 * The calling thread was interrupted during a call, so the client cancelled it. The thread's
 * interrupt flag is set again when this is thrown.
 */
public class CallInterruptedException extends StorageDriverException {
    public CallInterruptedException(String driverName, String message, Throwable cause) {
        super(driverName, ErrorCode.INTERNAL, message, cause);
    }
}

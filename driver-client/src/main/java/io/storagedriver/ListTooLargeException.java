package io.storagedriver;

/**
 * A {@code List} response had more entries, or more bytes of paths, than the client collects into
 * one list. The client stops reading at the limit and resets the call, so the partial response is
 * lost. The limits are {@code DriverOptions.Builder.maxListEntries} and {@code maxListBytes}.
 */
public class ListTooLargeException extends StorageDriverException {
    private final String path;

    public ListTooLargeException(String driverName, String path, String message) {
        super(driverName, ErrorCode.INTERNAL, message);
        this.path = path;
    }

    /** Returns the directory whose listing was too large. */
    public String path() {
        return path;
    }
}

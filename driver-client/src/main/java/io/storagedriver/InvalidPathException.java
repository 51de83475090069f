package io.storagedriver;

/** The path breaks the path rules of {@link StoragePaths}. */
public class InvalidPathException extends StorageDriverException {
    private final String path;

    public InvalidPathException(String driverName, String path, String reason) {
        super(driverName, ErrorCode.INVALID_PATH, "invalid path \"" + path + "\": " + reason);
        this.path = path;
    }

    /** Returns the rejected path exactly as given. */
    public String path() {
        return path;
    }
}

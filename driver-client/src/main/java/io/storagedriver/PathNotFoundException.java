package io.storagedriver;

/** No file or directory exists at the path, or the operation needs the other kind. */
public class PathNotFoundException extends StorageDriverException {
    private final String path;

    public PathNotFoundException(String driverName, String path) {
        this(driverName, path, "not found");
    }

    public PathNotFoundException(String driverName, String path, String detail) {
        super(driverName, ErrorCode.PATH_NOT_FOUND, "path " + path + ": " + detail);
        this.path = path;
    }

    /** Returns the path that was not found. */
    public String path() {
        return path;
    }
}

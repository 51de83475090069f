package io.storagedriver;

/** The offset is negative or past the end of the file. */
public class InvalidOffsetException extends StorageDriverException {
    private final String path;
    private final long offset;

    public InvalidOffsetException(String driverName, String path, long offset, String detail) {
        super(driverName, ErrorCode.INVALID_OFFSET,
                "invalid offset " + offset + " for path " + path + ": " + detail);
        this.path = path;
        this.offset = offset;
    }

    /** Returns the path of the file. */
    public String path() {
        return path;
    }

    /** Returns the rejected offset. */
    public long offset() {
        return offset;
    }
}

package io.storagedriver;

import java.time.Instant;
import java.util.Objects;

/**
 * Metadata of one file or directory.
 *
 * @param path the full path
 * @param size the size in bytes; 0 for a directory
 * @param modificationTime when the content last changed, to millisecond precision
 * @param isDirectory whether the path is a directory
 */
public record FileInfo(String path, long size, Instant modificationTime, boolean isDirectory) {
    public FileInfo {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(modificationTime, "modificationTime");
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
    }
}

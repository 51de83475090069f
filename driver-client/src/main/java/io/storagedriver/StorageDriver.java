package io.storagedriver;

import java.io.InputStream;
import java.util.List;

/**
 * Storage of blobs under absolute, slash-separated paths, modelled on the Docker registry's
 * storage driver API.
 *
 * <p>The client ({@code DriverClient}) implements this interface by calling a driver process, and
 * a Java driver implements it to be served by {@code DriverServer}. Paths follow
 * {@link StoragePaths}: absolute, components of letters, digits, {@code .}, {@code _} and
 * {@code -}, no empty, {@code .} or {@code ..} components and no trailing slash. The root
 * {@code /} always exists as a directory; it can be listed, walked and stated but not written,
 * moved or deleted.
 *
 * <p>Every method reports failures with a subclass of {@link StorageDriverException}: {@link
 * PathNotFoundException}, {@link InvalidPathException}, {@link InvalidOffsetException}, {@link
 * UnsupportedMethodException} or {@link DriverInternalException}, and, on the client side, the
 * transport failures {@link DriverExitedException} and {@link DriverProtocolException}.
 */
public interface StorageDriver {

    /** Returns the driver's name, such as {@code filesystem}. */
    String name();

    /** Returns the storage API version that the driver implements, as "Major.Minor". */
    String apiVersion();

    /** Returns the whole content of the file at {@code path}. */
    byte[] getContent(String path);

    /** Stores {@code content} at {@code path}, replacing any existing file and creating parents. */
    void putContent(String path, byte[] content);

    /**
     * Opens the file at {@code path} for reading from byte {@code offset}. An offset equal to the
     * size gives an empty stream, and an offset past it raises {@link InvalidOffsetException}.
     * Failures after the stream is returned surface from {@code read} as an {@link
     * java.io.IOException} whose cause is the {@link StorageDriverException}.
     */
    InputStream reader(String path, long offset);

    /**
     * Writes {@code content} into the file at {@code path} starting at byte {@code offset}, which
     * must not exceed the current size (zero for a new file); bytes past the written range are
     * kept. Returns the number of bytes written. Bytes written before a failure stay, so the caller
     * can resume from {@link #currentSize}.
     */
    long writeStream(String path, long offset, InputStream content);

    /** Returns the size in bytes of the file at {@code path}. */
    default long currentSize(String path) {
        FileInfo info = stat(path);
        if (info.isDirectory()) {
            throw new PathNotFoundException(name(), path, "is a directory, not a file");
        }
        return info.size();
    }

    /**
     * Lists the direct children of the directory at {@code path} as full paths, in no particular
     * order. A missing path, or a path that names a file, raises {@link PathNotFoundException}.
     */
    List<String> list(String path);

    /** Moves the file at {@code source} to {@code destination}, overwriting it and creating parents. */
    void move(String source, String destination);

    /** Deletes the file or the whole directory tree at {@code path}. */
    void delete(String path);

    /** Returns the size, modification time and kind of the file or directory at {@code path}. */
    FileInfo stat(String path);

    /**
     * Opens a writer for {@code path}. With {@code append}, the writer resumes the content that an
     * earlier writer left by {@link FileWriter#close()}, or the committed file when there is none;
     * without it, the writer starts empty. Content becomes visible at {@code path} only on {@link
     * FileWriter#commit()}.
     */
    FileWriter writer(String path, boolean append);

    /**
     * Visits every file and directory below {@code path} (not {@code path} itself) depth-first,
     * siblings in byte order of their names, a directory before its contents.
     */
    void walk(String path, WalkVisitor visitor);

    /**
     * Returns a URL from which the content at {@code path} can be fetched directly, or an empty
     * string when the driver does not offer one.
     */
    String redirectUrl(String path);
}

package io.storagedriver;

import java.io.Closeable;

/**
 * A resumable writer of one file. Content is invisible at the path until {@link #commit()}.
 * {@link #close()} without commit keeps the content written so far, so that a later {@code
 * writer(path, true)} resumes it, while {@link #cancel()} discards it. After any of the three, the
 * writer accepts no more calls.
 */
public interface FileWriter extends Closeable {

    /** Appends {@code length} bytes of {@code bytes} starting at {@code offset}. */
    void write(byte[] bytes, int offset, int length);

    /** Appends all of {@code bytes}. */
    default void write(byte[] bytes) {
        write(bytes, 0, bytes.length);
    }

    /** Returns the number of bytes in the writer: the resumed size plus the bytes written since. */
    long size();

    /** Makes the content visible at the path, replacing any file there, and closes the writer. */
    void commit();

    /** Discards the content written by this and earlier resumed writers, and closes the writer. */
    void cancel();

    /** Closes the writer and keeps its content for a later writer opened with append. */
    @Override
    void close();
}

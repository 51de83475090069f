package io.storagedriver.client;

/**
 * Receives every line a driver writes to its standard output or standard error, including the
 * lines that the client's log rate limit leaves out. It runs on the threads that drain the
 * driver's output, so it must return quickly; exceptions it throws are ignored.
 */
@FunctionalInterface
public interface DriverOutputListener {

    /** The driver's output stream that a line came from. */
    enum Stream {
        STDOUT,
        STDERR
    }

    /** Receives one line, without its line terminator. */
    void onLine(Stream stream, String line);
}

package io.storagedriver.sdk;

import io.storagedriver.internal.yamux.YamuxConfig;
import io.storagedriver.internal.yamux.YamuxSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ByteChannel;
import java.util.Objects;

/**
 * Serves a {@link io.storagedriver.StorageDriver} over the storage driver wire protocol, as the
 * yamux server on the socket that the host passed to the driver process.
 *
 * <p>A driver's {@code main} method calls {@link #serve(DriverFactory)}:
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *     DriverServer.serve(new MyDriverFactory());
 * }
 * }</pre>
 *
 * <p>Logging goes through SLF4J, which discards it unless the driver's class path carries a
 * binding; the launchers built with this module add {@code slf4j-simple}, which writes to
 * standard error. The server never writes to standard output and never logs parameter values.
 */
public final class DriverServer {
    /** The exit status when the host ended the session with Go Away or by closing the socket. */
    static final int EXIT_OK = 0;

    /** The exit status when the session failed otherwise, such as on a yamux protocol error. */
    static final int EXIT_SESSION_FAILED = 1;

    /** The exit status when the process has no socket on fd 0 or fd 3. */
    static final int EXIT_NO_SOCKET = 2;

    private DriverServer() {}

    /**
     * Serves the driver on the inherited socket and then exits the JVM; this method does not
     * return. The socket is taken from fd 0 when that is a Unix socket, as a Java host passes
     * it, and from fd 3 otherwise, as the protocol passes it.
     *
     * <p>The exit status is 0 when the host ended the session with Go Away or by closing the
     * socket, 1 when the session failed otherwise (such as on a yamux protocol error), and 2 when
     * neither descriptor is a socket, such as when someone runs the driver by hand. Exiting,
     * instead of returning from {@code main}, makes the driver stop even when the driver's own
     * code left non-daemon threads running.
     */
    public static void serve(DriverFactory factory) {
        Objects.requireNonNull(factory, "factory");
        InheritedSocket.Lookup lookup = InheritedSocket.find();
        if (lookup.channel() == null) {
            System.err.println("storage driver " + factory.name() + ": no socket to serve on ("
                    + String.join("; ", lookup.reasons()) + "). This program is started by a "
                    + "storage driver host, such as DriverClient, which passes one end of a Unix "
                    + "socketpair on fd 3 (or on fd 0 for a Java main class); it is not meant to "
                    + "be run by hand.");
            System.exit(EXIT_NO_SOCKET);
            return;
        }
        int status = EXIT_OK;
        try {
            serve(factory, lookup.channel());
        } catch (RuntimeException e) {
            System.err.println("storage driver " + factory.name() + ": the session failed: "
                    + e.getMessage());
            status = EXIT_SESSION_FAILED;
        }
        System.exit(status);
    }

    /**
     * Serves the driver on {@code channel} as the yamux server and returns once the host has
     * ended the session with Go Away or by closing the connection, after the calls still running
     * have ended (waiting at most 5 seconds for them). Then closes the channel, and the driver if
     * it implements {@link AutoCloseable}.
     *
     * @throws UncheckedIOException when the session fails otherwise, such as on a yamux protocol
     *     error
     */
    public static void serve(DriverFactory factory, ByteChannel channel) {
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(channel, "channel");
        YamuxSession session = YamuxSession.server(
                channel, YamuxConfig.defaults().withName("driver " + factory.name()));
        try {
            new ServerSession(factory, session).run();
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}

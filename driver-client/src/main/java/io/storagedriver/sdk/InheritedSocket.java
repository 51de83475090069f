package io.storagedriver.sdk;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ByteChannel;
import java.nio.channels.Channel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.FileDescriptorCast;

/**
 * Finds the socket that the host passed to the driver process: on fd 0 through the JDK's {@link
 * System#inheritedChannel()}, which needs no native library, or else on fd 3 through junixsocket.
 */
final class InheritedSocket {
    /** The descriptor on which the protocol passes the socket to drivers in any language. */
    static final int PROTOCOL_FD = 3;

    private InheritedSocket() {}

    /** The socket found, or the reasons why none was, one per descriptor tried. */
    record Lookup(ByteChannel channel, List<String> reasons) {}

    static Lookup find() {
        List<String> reasons = new ArrayList<>();
        try {
            Channel inherited = System.inheritedChannel();
            if (inherited instanceof SocketChannel socket
                    && socket.getLocalAddress() instanceof UnixDomainSocketAddress) {
                return new Lookup(socket, reasons);
            }
            reasons.add("fd 0 is not a Unix socket");
        } catch (IOException | SecurityException e) {
            reasons.add("fd 0 could not be inspected: " + e);
        }
        try {
            // unsafeUsing only wraps the number; nothing is closed unless it is a socket.
            FileDescriptorCast cast = FileDescriptorCast.unsafeUsing(PROTOCOL_FD);
            if (cast.isAvailable(AFUNIXSocketChannel.class)) {
                return new Lookup(cast.as(AFUNIXSocketChannel.class), reasons);
            }
            reasons.add("fd " + PROTOCOL_FD + " is not a Unix socket");
        } catch (IOException | RuntimeException | LinkageError e) {
            reasons.add("fd " + PROTOCOL_FD + " could not be inspected with junixsocket: " + e);
        }
        return new Lookup(null, reasons);
    }
}

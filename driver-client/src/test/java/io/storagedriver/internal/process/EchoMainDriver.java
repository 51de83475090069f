package io.storagedriver.internal.process;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.SocketChannel;

/**
 * A minimal Java driver for tests: takes the socket from fd 0 through {@link
 * System#inheritedChannel()}, echoes every byte it reads, and exits with status 0 at end of file.
 * Exits with status 2 when fd 0 is not a socket.
 */
public final class EchoMainDriver {
    private EchoMainDriver() {}

    public static void main(String[] args) throws IOException {
        Channel inherited = System.inheritedChannel();
        if (!(inherited instanceof SocketChannel)) {
            System.err.println("fd 0 is not a socket: " + inherited);
            System.exit(2);
        }
        SocketChannel socket = (SocketChannel) inherited;
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (socket.read(buffer) != -1) {
            buffer.flip();
            while (buffer.hasRemaining()) {
                socket.write(buffer);
            }
            buffer.clear();
        }
        System.err.println("end of file on the socket, exiting");
    }
}

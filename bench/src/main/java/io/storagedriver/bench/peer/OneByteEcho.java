package io.storagedriver.bench.peer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The bare start that a driver's start is compared with: a JVM launched like a Java driver, with
 * the socket on standard input, that echoes one byte and exits at the end of the stream.
 */
public final class OneByteEcho {
    private OneByteEcho() {}

    public static void main(String[] args) throws IOException {
        SocketChannel socket = RawPeer.inheritedSocket();
        ByteBuffer one = ByteBuffer.allocate(1);
        if (socket.read(one) == 1) {
            one.flip();
            RawPeer.writeFully(socket, one);
            one.clear();
            while (socket.read(one) >= 0) {
                one.clear();
            }
        }
        System.exit(0);
    }
}

package io.storagedriver.bench.peer;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.SocketChannel;

/**
 * The child end of the raw socketpair baseline: a process with the socket on standard input, as
 * the host hands it to a Java driver, that moves bytes with no framing at all.
 *
 * <p>Modes, chosen by the first argument; each repeats until the host closes the socket:
 *
 * <ul>
 *   <li>{@code echo N}: reads exactly N bytes and writes them back (ping-pong).
 *   <li>{@code sink TOTAL IO}: reads TOTAL bytes in reads of up to IO bytes, then writes one
 *       byte so the host knows that everything arrived.
 *   <li>{@code source TOTAL IO}: reads one request byte, then writes TOTAL bytes in writes of IO
 *       bytes.
 * </ul>
 */
public final class RawPeer {
    private RawPeer() {}

    public static void main(String[] args) throws IOException {
        SocketChannel socket = inheritedSocket();
        try {
            switch (args[0]) {
                case "echo" -> echo(socket, Integer.parseInt(args[1]));
                case "sink" -> sink(socket, Long.parseLong(args[1]), Integer.parseInt(args[2]));
                case "source" -> source(socket, Long.parseLong(args[1]),
                        Integer.parseInt(args[2]));
                default -> throw new IllegalArgumentException("unknown mode: " + args[0]);
            }
        } catch (EOFException e) {
            // The host closed the socket: the benchmark is over.
        }
        System.exit(0);
    }

    /** Returns the socket on standard input, or exits with status 2 when there is none. */
    static SocketChannel inheritedSocket() throws IOException {
        Channel inherited = System.inheritedChannel();
        if (inherited instanceof SocketChannel socket) {
            socket.configureBlocking(true);
            return socket;
        }
        System.err.println("standard input is not a socket: " + inherited);
        System.exit(2);
        throw new AssertionError("unreachable");
    }

    private static void echo(SocketChannel socket, int size) throws IOException {
        ByteBuffer message = ByteBuffer.allocateDirect(size);
        while (true) {
            message.clear();
            readFully(socket, message);
            message.flip();
            writeFully(socket, message);
        }
    }

    private static void sink(SocketChannel socket, long total, int ioSize) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(ioSize);
        ByteBuffer ack = ByteBuffer.allocateDirect(1);
        while (true) {
            long remaining = total;
            while (remaining > 0) {
                buffer.clear();
                buffer.limit((int) Math.min(ioSize, remaining));
                int n = socket.read(buffer);
                if (n < 0) {
                    throw new EOFException();
                }
                remaining -= n;
            }
            ack.clear();
            writeFully(socket, ack);
        }
    }

    private static void source(SocketChannel socket, long total, int ioSize) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(ioSize);
        ByteBuffer request = ByteBuffer.allocateDirect(1);
        while (true) {
            request.clear();
            readFully(socket, request);
            long remaining = total;
            while (remaining > 0) {
                buffer.clear();
                buffer.limit((int) Math.min(ioSize, remaining));
                remaining -= buffer.remaining();
                writeFully(socket, buffer);
            }
        }
    }

    static void readFully(SocketChannel socket, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (socket.read(buffer) < 0) {
                throw new EOFException();
            }
        }
    }

    static void writeFully(SocketChannel socket, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            socket.write(buffer);
        }
    }
}

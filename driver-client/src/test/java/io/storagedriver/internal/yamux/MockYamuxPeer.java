package io.storagedriver.internal.yamux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;

/**
 * Scripted yamux peer on the far end of a real Unix socketpair. The test thread plays the peer:
 * it sends frames with the {@code send} methods and takes the session's frames one at a time
 * with {@link #takeFrame()}. Frames that the test does not take stay unread in the socket, so a
 * test controls exactly how much the peer reads.
 *
 * <p>To prove that the session sent nothing more, send a ping and assert that the next frame
 * taken is its reply: the session queues its frames in order.
 */
final class MockYamuxPeer implements Closeable {
    /** One frame taken from the session; {@code payload} is empty unless it is a data frame. */
    record InFrame(FrameHeader header, byte[] payload) {
        int type() {
            return header.type();
        }

        int flags() {
            return header.flags();
        }

        int streamId() {
            return header.streamId();
        }

        int length() {
            return header.length();
        }
    }

    private final AFUNIXSocketChannel sessionChannel;
    private final AFUNIXSocketChannel peerChannel;
    private final ByteBuffer headerBuffer = ByteBuffer.allocate(FrameHeader.SIZE);

    MockYamuxPeer() throws IOException {
        AFUNIXSocketPair<AFUNIXSocketChannel> pair = AFUNIXSocketPair.open();
        this.sessionChannel = pair.getSocket1();
        this.peerChannel = pair.getSocket2();
    }

    /** Returns the end of the socketpair that the session under test uses. */
    ByteChannel sessionChannel() {
        return sessionChannel;
    }

    void sendFrame(int type, int flags, int streamId, int length) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(FrameHeader.SIZE);
        FrameHeader.of(type, flags, streamId, length).encode(frame);
        sendBytes(frame.array());
    }

    void sendData(int streamId, int flags, byte[] payload) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(FrameHeader.SIZE + payload.length);
        FrameHeader.of(FrameHeader.TYPE_DATA, flags, streamId, payload.length).encode(frame);
        frame.put(payload);
        sendBytes(frame.array());
    }

    void sendBytes(byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            peerChannel.write(buffer);
        }
    }

    /** Reads the next frame the session sent, blocking until it arrives. */
    InFrame takeFrame() throws IOException {
        headerBuffer.clear();
        readFully(headerBuffer);
        headerBuffer.flip();
        FrameHeader header = FrameHeader.decode(headerBuffer);
        byte[] payload = new byte[0];
        if (header.type() == FrameHeader.TYPE_DATA) {
            payload = new byte[header.length()];
            readFully(ByteBuffer.wrap(payload));
        }
        return new InFrame(header, payload);
    }

    /** Takes the next frame and asserts its header fields. */
    InFrame takeFrame(int type, int flags, int streamId, int length) throws IOException {
        InFrame frame = takeFrame();
        assertEquals(FrameHeader.of(type, flags, streamId, length), frame.header());
        return frame;
    }

    /**
     * Takes data frames of {@code streamId} until they add up to {@code totalBytes} and returns
     * their payload. Each frame must be a plain data frame of at most {@code maxFrame} bytes.
     */
    byte[] takeData(int streamId, int totalBytes, int maxFrame) throws IOException {
        byte[] data = new byte[totalBytes];
        int received = 0;
        while (received < totalBytes) {
            InFrame frame = takeFrame();
            assertEquals(FrameHeader.TYPE_DATA, frame.type(), frame.toString());
            assertEquals(streamId, frame.streamId());
            assertEquals(0, frame.flags());
            assertTrue(frame.length() <= maxFrame, "frame of " + frame.length() + " bytes");
            assertTrue(received + frame.length() <= totalBytes,
                    "received " + (received + frame.length()) + " bytes, expected " + totalBytes);
            System.arraycopy(frame.payload(), 0, data, received, frame.length());
            received += frame.length();
        }
        return data;
    }

    /** Sends a ping and asserts that its reply is the next frame the session sent. */
    void assertNothingSentBeforePingReply(int opaque) throws IOException {
        sendFrame(FrameHeader.TYPE_PING, FrameHeader.FLAG_SYN, 0, opaque);
        takeFrame(FrameHeader.TYPE_PING, FrameHeader.FLAG_ACK, 0, opaque);
    }

    /** Asserts that the peer reads end of stream. */
    void assertEndOfStream() throws IOException {
        ByteBuffer oneByte = ByteBuffer.allocate(1);
        assertEquals(-1, peerChannel.read(oneByte), "expected end of stream");
    }

    /**
     * Asserts that the session closed its end: the peer reads end of stream, or a connection reset
     * when the session closed with frames from the peer still unread in its socket.
     */
    void assertEndOfStreamOrReset() throws IOException {
        ByteBuffer oneByte = ByteBuffer.allocate(1);
        try {
            assertEquals(-1, peerChannel.read(oneByte), "expected end of stream");
        } catch (SocketException e) {
            assertTrue(e.getMessage().contains("reset"), e.toString());
        }
    }

    /** Shuts down the peer's output, so the session reads a clean end of stream. */
    void shutdownOutput() throws IOException {
        peerChannel.shutdownOutput();
    }

    /** Closes the peer's end, leaving frames that the test did not take unread. */
    void closePeerEnd() throws IOException {
        peerChannel.close();
    }

    private void readFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (peerChannel.read(buffer) < 0) {
                throw new EOFException("session closed the connection after "
                        + buffer.position() + " of " + buffer.limit() + " bytes");
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            peerChannel.close();
        } finally {
            sessionChannel.close();
        }
    }
}

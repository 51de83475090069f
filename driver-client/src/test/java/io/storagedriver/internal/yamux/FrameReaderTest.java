package io.storagedriver.internal.yamux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameReaderTest {
    /** Channel over a byte array that returns at most {@code maxRead} bytes per read. */
    private static final class DribblingChannel implements ReadableByteChannel {
        private final ByteBuffer source;
        private final int maxRead;
        private int reads;

        DribblingChannel(byte[] bytes, int maxRead) {
            this.source = ByteBuffer.wrap(bytes);
            this.maxRead = maxRead;
        }

        @Override
        public int read(ByteBuffer dst) {
            if (!source.hasRemaining()) {
                return -1;
            }
            reads++;
            int count = Math.min(Math.min(maxRead, dst.remaining()), source.remaining());
            ByteBuffer slice = source.slice(source.position(), count);
            dst.put(slice);
            source.position(source.position() + count);
            return count;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    /** Records each frame; copies data payloads through a {@link ReceiveBuffer}. */
    private static final class RecordingHandler implements FrameReader.Handler {
        final List<FrameHeader> headers = new ArrayList<>();
        final List<byte[]> payloads = new ArrayList<>();
        FrameReader reader;
        boolean skipData;

        @Override
        public void data(FrameHeader header) throws IOException {
            headers.add(header);
            ReceiveBuffer buffer = new ReceiveBuffer(Math.max(1, header.length()));
            buffer.reserve(header.length());
            if (!skipData) {
                while (reader.payloadRemaining() > 0) {
                    int chunk = reader.awaitPayload();
                    reader.readPayload(buffer, chunk);
                }
            }
            byte[] payload = new byte[buffer.size()];
            buffer.read(payload, 0, payload.length);
            payloads.add(payload);
        }

        @Override
        public void windowUpdate(FrameHeader header) {
            headers.add(header);
        }

        @Override
        public void ping(FrameHeader header) {
            headers.add(header);
        }

        @Override
        public void goAway(FrameHeader header) {
            headers.add(header);
        }
    }

    private static byte[] frames(Object... headersAndPayloads) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * 1024 * 1024);
        for (Object item : headersAndPayloads) {
            if (item instanceof FrameHeader header) {
                header.encode(buffer);
            } else {
                buffer.put((byte[]) item);
            }
        }
        buffer.flip();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Test
    void decodesFramesSplitAcrossSmallReads() throws Exception {
        byte[] payload = randomBytes(1000, 1);
        FrameHeader data = FrameHeader.of(FrameHeader.TYPE_DATA, FrameHeader.FLAG_SYN, 1, 1000);
        FrameHeader update = FrameHeader.of(FrameHeader.TYPE_WINDOW_UPDATE, 0, 1, 4096);
        FrameHeader ping = FrameHeader.of(FrameHeader.TYPE_PING, FrameHeader.FLAG_SYN, 0, 7);
        FrameHeader goAway = FrameHeader.of(FrameHeader.TYPE_GO_AWAY, 0, 0, 0);
        DribblingChannel channel =
                new DribblingChannel(frames(data, payload, update, ping, goAway), 5);
        FrameReader reader = new FrameReader(channel, 64, "test");
        RecordingHandler handler = new RecordingHandler();
        handler.reader = reader;

        while (reader.nextFrame(handler)) {
            // Decode until end of stream.
        }

        assertEquals(List.of(data, update, ping, goAway), handler.headers);
        assertArrayEquals(payload, handler.payloads.get(0));
    }

    @Test
    void readsLargeBlocksCoveringSeveralFrames() throws Exception {
        byte[] payload = randomBytes(100, 2);
        FrameHeader data = FrameHeader.of(FrameHeader.TYPE_DATA, 0, 1, 100);
        byte[] bytes = frames(data, payload, data, payload, data, payload);
        DribblingChannel channel = new DribblingChannel(bytes, Integer.MAX_VALUE);
        FrameReader reader = new FrameReader(channel, FrameReader.DEFAULT_BUFFER_SIZE, "test");
        RecordingHandler handler = new RecordingHandler();
        handler.reader = reader;

        for (int i = 0; i < 3; i++) {
            assertTrue(reader.nextFrame(handler));
        }

        assertEquals(1, channel.reads);
        assertEquals(3, handler.payloads.size());
        assertArrayEquals(payload, handler.payloads.get(2));
    }

    @Test
    void payloadLargerThanBufferArrivesInChunks() throws Exception {
        byte[] payload = randomBytes(3 * 1024 * 1024, 3);
        FrameHeader data = FrameHeader.of(FrameHeader.TYPE_DATA, 0, 1, payload.length);
        DribblingChannel channel = new DribblingChannel(frames(data, payload), 100_000);
        FrameReader reader = new FrameReader(channel, FrameReader.DEFAULT_BUFFER_SIZE, "test");
        RecordingHandler handler = new RecordingHandler();
        handler.reader = reader;

        assertTrue(reader.nextFrame(handler));

        assertArrayEquals(payload, handler.payloads.get(0));
        assertFalse(reader.nextFrame(handler));
    }

    @Test
    void payloadLeftByHandlerIsSkipped() throws Exception {
        FrameHeader data = FrameHeader.of(FrameHeader.TYPE_DATA, 0, 1, 500);
        FrameHeader ping = FrameHeader.of(FrameHeader.TYPE_PING, FrameHeader.FLAG_SYN, 0, 9);
        DribblingChannel channel =
                new DribblingChannel(frames(data, randomBytes(500, 4), ping), 7);
        FrameReader reader = new FrameReader(channel, 64, "test");
        RecordingHandler handler = new RecordingHandler();
        handler.reader = reader;
        handler.skipData = true;

        assertTrue(reader.nextFrame(handler));
        assertTrue(reader.nextFrame(handler));

        assertEquals(List.of(data, ping), handler.headers);
    }

    @Test
    void endOfStreamInsideHeaderIsSessionClosed() {
        byte[] truncated = {0, 2, 0, 1, 0};
        FrameReader reader = new FrameReader(new DribblingChannel(truncated, 100), 64, "test");

        YamuxException e = assertThrows(YamuxException.class,
                () -> reader.nextFrame(new RecordingHandler()));

        assertEquals(YamuxException.Kind.SESSION_CLOSED, e.kind());
        assertEquals("session closed: peer closed the connection in the middle of a frame",
                e.getMessage());
    }

    @Test
    void endOfStreamInsidePayloadIsSessionClosed() {
        FrameHeader data = FrameHeader.of(FrameHeader.TYPE_DATA, 0, 1, 100);
        byte[] truncated = frames(data, new byte[40]);
        FrameReader reader = new FrameReader(new DribblingChannel(truncated, 100), 64, "test");
        RecordingHandler handler = new RecordingHandler();
        handler.reader = reader;

        YamuxException e = assertThrows(YamuxException.class, () -> reader.nextFrame(handler));

        assertEquals(YamuxException.Kind.SESSION_CLOSED, e.kind());
    }

    @Test
    void unknownTypeIsProtocolError() {
        byte[] bytes = {0, 9, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0};
        FrameReader reader = new FrameReader(new DribblingChannel(bytes, 100), 64, "test");

        YamuxException e = assertThrows(YamuxException.class,
                () -> reader.nextFrame(new RecordingHandler()));

        assertEquals(YamuxException.Kind.PROTOCOL_ERROR, e.kind());
        assertEquals("unknown frame type 9 on stream 1", e.getMessage());
    }
}

package io.storagedriver.internal.yamux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameHeaderTest {
    @Test
    void encodeWritesBigEndianFields() {
        ByteBuffer buffer = ByteBuffer.allocate(FrameHeader.SIZE);
        FrameHeader.of(FrameHeader.TYPE_WINDOW_UPDATE, FrameHeader.FLAG_SYN | FrameHeader.FLAG_ACK,
                0x01020304, 0x0a0b0c0d).encode(buffer);

        byte[] expected = {
            0x00, 0x01, 0x00, 0x03, 0x01, 0x02, 0x03, 0x04, 0x0a, 0x0b, 0x0c, 0x0d,
        };
        assertArrayEquals(expected, buffer.array());
        assertEquals(FrameHeader.SIZE, buffer.position());
    }

    @Test
    void decodeRoundTripsEncodedHeaders() throws Exception {
        List<FrameHeader> headers = List.of(
                FrameHeader.of(FrameHeader.TYPE_DATA, 0, 1, 0),
                FrameHeader.of(FrameHeader.TYPE_DATA, FrameHeader.FLAG_FIN, 3, 65536),
                FrameHeader.of(FrameHeader.TYPE_WINDOW_UPDATE, FrameHeader.FLAG_RST, 2, 0),
                FrameHeader.of(FrameHeader.TYPE_WINDOW_UPDATE, 0xffff, -1, -1),
                FrameHeader.of(FrameHeader.TYPE_PING, FrameHeader.FLAG_ACK, 0, 0x80000000),
                FrameHeader.of(FrameHeader.TYPE_GO_AWAY, 0, 0, FrameHeader.GO_AWAY_INTERNAL_ERROR));
        for (FrameHeader header : headers) {
            ByteBuffer buffer = ByteBuffer.allocate(FrameHeader.SIZE);
            header.encode(buffer);
            buffer.flip();

            assertEquals(header, FrameHeader.decode(buffer));
            assertFalse(buffer.hasRemaining());
        }
    }

    @Test
    void unsignedLengthCoversFull32Bits() {
        FrameHeader header = FrameHeader.of(FrameHeader.TYPE_DATA, 0, 1, -1);

        assertEquals(0xffff_ffffL, header.unsignedLength());
    }

    @Test
    void decodeRejectsBadVersion() {
        ByteBuffer buffer = ByteBuffer.wrap(new byte[] {1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0});

        YamuxException e = assertThrows(YamuxException.class, () -> FrameHeader.decode(buffer));

        assertEquals(YamuxException.Kind.PROTOCOL_ERROR, e.kind());
        assertEquals("unsupported yamux version 1 in frame header, expected 0", e.getMessage());
    }

    @Test
    void decodeRejectsUnknownType() {
        ByteBuffer buffer = ByteBuffer.wrap(new byte[] {0, 4, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0});

        YamuxException e = assertThrows(YamuxException.class, () -> FrameHeader.decode(buffer));

        assertEquals(YamuxException.Kind.PROTOCOL_ERROR, e.kind());
        assertEquals("unknown frame type 4 on stream 3", e.getMessage());
    }

    @Test
    void constructorRejectsFieldsWiderThanTheirBits() {
        assertThrows(IllegalArgumentException.class, () -> new FrameHeader(256, 0, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new FrameHeader(0, -1, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new FrameHeader(0, 0, 0x10000, 1, 0));
    }

    @Test
    void describeFormatsFixedWidthColumns() {
        String small = FrameHeader.of(FrameHeader.TYPE_DATA, FrameHeader.FLAG_SYN, 1, 5)
                .describe("fs", ">>");
        String large = FrameHeader.of(FrameHeader.TYPE_WINDOW_UPDATE,
                FrameHeader.FLAG_ACK | FrameHeader.FLAG_FIN, 1234567, 262144).describe("fs", "<<");

        assertEquals("fs >> stream=1          length=5          Data         SYN", small);
        assertEquals("fs << stream=1234567    length=262144     WindowUpdate ACK|FIN", large);
        assertEquals(small.indexOf("Data"), large.indexOf("WindowUpdate"));
    }

    @Test
    void flagNamesListsUnknownBitsInHex() {
        assertEquals("-", FrameHeader.flagNames(0));
        assertEquals("SYN|RST|0x30", FrameHeader.flagNames(0x39));
        assertTrue(FrameHeader.of(FrameHeader.TYPE_DATA, FrameHeader.FLAG_FIN, 1, 0)
                .hasFlag(FrameHeader.FLAG_FIN));
    }
}

package io.storagedriver.internal.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Reads and writes the length-prefixed JSON messages of a stream: a 4-byte big-endian length,
 * then that many bytes of UTF-8 JSON holding one object.
 */
public final class Messages {
    /** The largest message body in bytes. */
    public static final int MAX_MESSAGE_BYTES = 1 << 20;

    /** The mapper shared by both sides; unknown properties are ignored. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private Messages() {}

    /** Creates an empty JSON object to fill in. */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /**
     * Reads one message. Returns null when the stream ends cleanly before the first byte of a
     * message, and raises {@link WireFormatException} for a malformed one.
     */
    public static ObjectNode read(InputStream in) throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        long length = ((long) first << 24) | readUnsigned24(in);
        if (length < 2 || length > MAX_MESSAGE_BYTES) {
            throw new WireFormatException(
                    "message length " + length + " outside 2.." + MAX_MESSAGE_BYTES);
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            throw new EOFException(
                    "stream ended after " + body.length + " of " + length + " message bytes");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new WireFormatException("message is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            // Jackson guesses the encoding from the first bytes and raises CharConversionException
            // for a body that starts like UTF-32 but is not.
            throw new WireFormatException("message is not valid UTF-8 JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new WireFormatException("message is not a JSON object");
        }
        return (ObjectNode) node;
    }

    /** Reads one message and raises {@link EOFException} when the stream has ended. */
    public static ObjectNode readRequired(InputStream in, String expected) throws IOException {
        ObjectNode message = read(in);
        if (message == null) {
            throw new EOFException("stream ended before the " + expected);
        }
        return message;
    }

    /** Writes one message and flushes. */
    public static void write(OutputStream out, JsonNode message) throws IOException {
        byte[] body = MAPPER.writeValueAsBytes(message);
        if (body.length > MAX_MESSAGE_BYTES) {
            throw new WireFormatException("message of " + body.length
                    + " bytes exceeds the limit of " + MAX_MESSAGE_BYTES);
        }
        byte[] frame = new byte[4 + body.length];
        putInt(frame, 0, body.length);
        System.arraycopy(body, 0, frame, 4, body.length);
        out.write(frame);
        out.flush();
    }

    static void putInt(byte[] target, int at, int value) {
        target[at] = (byte) (value >>> 24);
        target[at + 1] = (byte) (value >>> 16);
        target[at + 2] = (byte) (value >>> 8);
        target[at + 3] = (byte) value;
    }

    /** Reads a 4-byte big-endian unsigned integer, or returns -1 at a clean end of stream. */
    static long readUnsigned32OrEnd(InputStream in) throws IOException {
        int first = in.read();
        if (first < 0) {
            return -1;
        }
        return ((long) first << 24) | readUnsigned24(in);
    }

    private static long readUnsigned24(InputStream in) throws IOException {
        int b1 = in.read();
        int b2 = in.read();
        int b3 = in.read();
        if ((b1 | b2 | b3) < 0) {
            throw new EOFException("stream ended inside a length prefix");
        }
        return (b1 << 16) | (b2 << 8) | b3;
    }
}

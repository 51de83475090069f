package io.storagedriver.internal.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads and writes the length-prefixed JSON messages of a stream: a 4-byte big-endian length,
 * then that many bytes of UTF-8 JSON holding one object and nothing after it but whitespace.
 */
public final class Messages {
    /** The largest message body in bytes. */
    public static final int MAX_MESSAGE_BYTES = 1 << 20;

    /** The maximum bytes of unexpected content that an error message quotes. */
    private static final int MAX_EXCERPT_BYTES = 40;

    private Messages() {}

    /** Creates an empty JSON object to fill in. */
    public static ObjectNode object() {
        return JsonTrees.object();
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
        return parseObject(body, "message");
    }

    /**
     * Parses {@code body} as one JSON object, the whole of a message or of a line of {@code
     * Walk} content, which {@code what} names in errors. Whitespace may follow the object, but
     * anything else raises {@link WireFormatException} quoting the bytes found, because a body
     * that carries more than its object is malformed.
     */
    public static ObjectNode parseObject(byte[] body, String what) throws WireFormatException {
        try (JsonParser parser = JsonTrees.createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new WireFormatException(what + " is not a JSON object: it "
                        + describe(first));
            }
            JsonNode node = JsonTrees.readValue(parser, first);
            long end = parser.currentLocation().getByteOffset();
            JsonToken trailing;
            try {
                trailing = parser.nextToken();
            } catch (JsonProcessingException e) {
                throw trailingContent(what, body, end);
            }
            if (trailing != null) {
                throw trailingContent(what, body, end);
            }
            return (ObjectNode) node;
        } catch (WireFormatException e) {
            throw e;
        } catch (JsonProcessingException e) {
            throw new WireFormatException(what + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            // Jackson guesses the encoding from the first bytes and raises CharConversionException
            // for a body that starts like UTF-32 but is not.
            throw new WireFormatException(what + " is not valid UTF-8 JSON: " + e.getMessage());
        }
    }

    /**
     * Builds the error for a body with more than whitespace after its object. {@code end} is the
     * byte offset just after the object, or -1 when the parser, having guessed an encoding other
     * than UTF-8, counts no bytes.
     */
    private static WireFormatException trailingContent(String what, byte[] body, long end) {
        String found = "";
        if (end >= 0 && end <= body.length) {
            int start = (int) end;
            while (start < body.length && isJsonWhitespace(body[start])) {
                start++;
            }
            int shown = Math.min(body.length - start, MAX_EXCERPT_BYTES);
            found = " at byte " + start + ": " + quote(new String(body, start, shown,
                    StandardCharsets.UTF_8))
                    + (body.length - start > shown
                            ? " and " + (body.length - start - shown) + " more bytes" : "");
        }
        return new WireFormatException(what + " has content after its JSON object" + found
                + "; a " + what + " contains exactly one JSON object, followed by nothing but "
                + "whitespace");
    }

    /** Describes the first token of a body that is not an object, such as "is a JSON array". */
    private static String describe(JsonToken first) {
        if (first == null) {
            return "is empty";
        }
        return switch (first) {
            case START_ARRAY -> "is a JSON array";
            case VALUE_STRING -> "is a JSON string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "is a JSON number";
            case VALUE_TRUE, VALUE_FALSE -> "is a JSON boolean";
            case VALUE_NULL -> "is the JSON null";
            default -> "starts with " + first;
        };
    }

    private static boolean isJsonWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    /** Quotes text as a JSON string, so that control characters show as escapes. */
    private static String quote(String text) {
        try {
            return new String(JsonTrees.toBytes(TextNode.valueOf(text)), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("a string always serializes", e);
        }
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
        out.write(encode(message));
        out.flush();
    }

    /**
     * Returns one message as it goes on the wire: its 4-byte big-endian length, then its JSON.
     *
     * @throws WireFormatException if the message exceeds {@link #MAX_MESSAGE_BYTES}
     */
    public static byte[] encode(JsonNode message) throws IOException {
        byte[] body = JsonTrees.toBytes(message);
        if (body.length > MAX_MESSAGE_BYTES) {
            throw new WireFormatException("message of " + body.length
                    + " bytes exceeds the limit of " + MAX_MESSAGE_BYTES);
        }
        byte[] frame = new byte[4 + body.length];
        putInt(frame, 0, body.length);
        System.arraycopy(body, 0, frame, 4, body.length);
        return frame;
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

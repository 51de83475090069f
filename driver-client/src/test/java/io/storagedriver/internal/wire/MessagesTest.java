package io.storagedriver.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link Messages}: the framing of messages and what a message body may contain. */
class MessagesTest {

    private static byte[] framed(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(body.length >>> 24);
        out.write(body.length >>> 16);
        out.write(body.length >>> 8);
        out.write(body.length);
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static ObjectNode read(String body) throws IOException {
        return Messages.read(new ByteArrayInputStream(
                framed(body.getBytes(StandardCharsets.UTF_8))));
    }

    private static void assertMessageContains(String expected, Throwable e) {
        assertTrue(e.getMessage().contains(expected),
                "message contains \"" + expected + "\", actual: " + e.getMessage());
    }

    @Test
    void writtenMessageReadsBack() throws IOException {
        ObjectNode message = Messages.object();
        message.put("op", "Stat");
        message.put("path", "/a");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        Messages.write(out, message);
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());

        assertEquals(message, Messages.read(in), "message read back");
        assertNull(Messages.read(in), "read at the end of the stream");
    }

    @Test
    void trailingWhitespaceIsAccepted() throws IOException {
        ObjectNode message = read("{\"ok\":true} \t\r\n ");

        assertTrue(message.path("ok").asBoolean(), "field ok of " + message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"ok\":true}x                  | at byte 11: \"x\"",
        "{\"ok\":true}  garbage          | at byte 13: \"garbage\"",
        "{\"ok\":true}{\"ok\":false}     | at byte 11: \"{\\\"ok\\\":false}\"",
        "{\"ok\":true}[1]                | at byte 11: \"[1]\"",
        "{\"ok\":true}5                  | at byte 11: \"5\"",
        "{\"ok\":true}}                  | at byte 11: \"}\"",
        "{\"ok\":true}\"tail\"           | at byte 11: \"\\\"tail\\\"\""})
    void trailingContentIsMalformed(String body, String expectedPlace) {
        WireFormatException e = assertThrows(WireFormatException.class, () -> read(body));

        assertMessageContains("message has content after its JSON object " + expectedPlace, e);
        assertMessageContains("followed by nothing but whitespace", e);
    }

    @Test
    void trailingControlByteIsQuotedAsEscape() {
        WireFormatException e = assertThrows(WireFormatException.class,
                () -> read("{\"ok\":true}\n\u0000"));

        assertMessageContains("at byte 12: \"\\u0000\"", e);
    }

    @Test
    void longTrailingContentIsCut() {
        String tail = "z".repeat(1000);

        WireFormatException e = assertThrows(WireFormatException.class,
                () -> read("{\"ok\":true}" + tail));

        assertMessageContains("at byte 11: \"" + "z".repeat(40) + "\" and 960 more bytes", e);
        assertTrue(e.getMessage().length() < 300,
                "the message quotes only the start; length " + e.getMessage().length());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[1, 2]     | message is not a JSON object: it is a JSON array",
        "\"text\"   | message is not a JSON object: it is a JSON string",
        "42         | message is not a JSON object: it is a JSON number",
        "null       | message is not a JSON object: it is the JSON null",
        "'  '       | message is not a JSON object: it is empty"})
    void bodyThatIsNoObjectIsMalformed(String body, String expected) {
        WireFormatException e = assertThrows(WireFormatException.class, () -> read(body));

        assertMessageContains(expected, e);
    }

    @Test
    void unfinishedObjectIsMalformed() {
        WireFormatException e = assertThrows(WireFormatException.class,
                () -> read("{\"ok\":"));

        assertMessageContains("message is not valid JSON", e);
    }

    @Test
    void walkLineNamesItselfInErrors() {
        WireFormatException e = assertThrows(WireFormatException.class,
                () -> Messages.parseObject("{\"path\":\"/a\"} extra".getBytes(
                        StandardCharsets.UTF_8), "Walk line"));

        assertMessageContains("Walk line has content after its JSON object at byte 14: "
                + "\"extra\"; a Walk line contains exactly one JSON object", e);
    }
}

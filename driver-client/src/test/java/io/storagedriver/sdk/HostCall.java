package io.storagedriver.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storagedriver.internal.wire.ChunkedInputStream;
import io.storagedriver.internal.wire.ChunkedOutputStream;
import io.storagedriver.internal.wire.Messages;
import io.storagedriver.internal.yamux.YamuxStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** The host's end of one call stream, with the items of the wire format spelled out. */
final class HostCall {
    final YamuxStream stream;
    private final InputStream in;
    private final OutputStream out;

    HostCall(YamuxStream stream) {
        this.stream = stream;
        this.in = new BufferedInputStream(stream.inputStream());
        this.out = stream.outputStream();
    }

    void send(ObjectNode message) throws IOException {
        Messages.write(out, message);
    }

    /** Sends bytes as they are, such as a malformed message. */
    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends the bytes as one content section, in chunks of 64 KiB, ended by the 0 chunk. */
    void sendContent(byte[] content) throws IOException {
        ChunkedOutputStream chunks = new ChunkedOutputStream(out);
        chunks.write(content);
        chunks.finish();
    }

    /** Returns a content section to write into; {@code finish} sends the 0 chunk. */
    ChunkedOutputStream content() {
        return new ChunkedOutputStream(out);
    }

    ObjectNode read() throws IOException {
        ObjectNode message = Messages.read(in);
        assertNotNull(message, "the driver ended the stream instead of sending a message");
        return message;
    }

    byte[] readContent() throws IOException {
        return new ChunkedInputStream(in).readAllBytes();
    }

    /** Returns the content section as a stream, for reading part of it. */
    ChunkedInputStream contentStream() {
        return new ChunkedInputStream(in);
    }

    /** Sends FIN. */
    void finishWrite() throws IOException {
        stream.closeWrite();
    }

    /** Checks that the driver sent FIN after its last message. */
    void expectEnd() throws IOException {
        assertEquals(-1, in.read(), "the driver sent more after its last message");
    }

    void reset() {
        stream.reset();
    }
}

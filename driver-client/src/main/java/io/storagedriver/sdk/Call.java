package io.storagedriver.sdk;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storagedriver.internal.wire.Messages;
import io.storagedriver.internal.yamux.YamuxStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The driver's end of one stream: the request side buffered for the small reads of length
 * prefixes, and the state that decides how the stream may end. Used by one thread at a time.
 */
final class Call {
    /** The buffer size for content copies, which is also the chunk size this side sends. */
    static final int BUFFER_BYTES = 64 * 1024;

    /**
     * The buffer size of the request side. It only needs to hold length prefixes and small
     * messages, so that reads of content chunks, which are larger, bypass it instead of being
     * copied through it.
     */
    static final int REQUEST_BUFFER_BYTES = 512;

    private final YamuxStream stream;
    private final InputStream in;
    private final OutputStream out;
    private boolean responded;
    private boolean finished;

    Call(YamuxStream stream) {
        this.stream = stream;
        this.in = new BufferedInputStream(stream.inputStream(), REQUEST_BUFFER_BYTES);
        this.out = stream.outputStream();
    }

    int streamId() {
        return stream.id();
    }

    InputStream in() {
        return in;
    }

    OutputStream out() {
        return out;
    }

    /** Returns whether a response message has been sent, so errors must go into a trailer. */
    boolean responded() {
        return responded;
    }

    /** Returns whether the host reset the stream. */
    boolean isReset() {
        return stream.isReset();
    }

    /** Sends a message: a response, a trailer, or the response to a writer action. */
    void send(ObjectNode message) throws IOException {
        Messages.write(out, message);
        responded = true;
    }

    /**
     * Sends the call's last message with FIN on its last data frame, so that the host gets both at
     * once. {@link #finish()} still releases the stream afterwards.
     */
    void sendLast(ObjectNode message) throws IOException {
        byte[] bytes = Messages.encode(message);
        stream.writeAndCloseWrite(bytes, 0, bytes.length);
        responded = true;
    }

    /**
     * Writes one content chunk of {@code length} bytes: its 4-byte big-endian length, then the
     * bytes straight from {@code data}.
     */
    static void writeChunk(OutputStream out, byte[] data, int length) throws IOException {
        out.write(new byte[] {
            (byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length});
        out.write(data, 0, length);
    }

    /**
     * Ends the stream after the last message: sends FIN and stops reading. Whatever the host
     * still sends, such as the rest of a request content after an early error response, is
     * discarded and its window returned, so the host never blocks on a full window.
     */
    void finish() throws IOException {
        finished = true;
        try {
            stream.closeWrite();
        } finally {
            stream.close();
        }
    }

    /**
     * Releases the stream after a failure. A stream that did not end with {@link #finish()} is
     * reset, so that the host fails the call instead of waiting for a response that cannot come.
     */
    void release() {
        if (finished) {
            return;
        }
        finished = true;
        if (!stream.isReset()) {
            stream.reset();
        }
        stream.close();
    }
}

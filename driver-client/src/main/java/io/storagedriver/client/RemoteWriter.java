package io.storagedriver.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storagedriver.FileWriter;
import io.storagedriver.internal.wire.ChunkedOutputStream;
import io.storagedriver.internal.wire.Messages;
import java.util.Objects;

/**
 * The client end of a {@code Writer} call: content goes out as chunks, and commit, cancel or close
 * ends the content and sends the matching action.
 */
final class RemoteWriter implements FileWriter {
    private final RemoteCalls.Call call;
    private final ChunkedOutputStream chunks;
    private final long initialSize;
    private long written;
    private String endedBy;

    RemoteWriter(RemoteCalls.Call call, long initialSize) {
        this.call = call;
        this.chunks = new ChunkedOutputStream(call.out);
        this.initialSize = initialSize;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        checkOpen("write to");
        call.run(() -> {
            RemoteCalls.writeContent(chunks, call.out, bytes, offset, length);
            return null;
        });
        written += length;
    }

    @Override
    public long size() {
        return initialSize + written;
    }

    @Override
    public void commit() {
        end("commit");
    }

    @Override
    public void cancel() {
        end("cancel");
    }

    /**
     * Keeps the content for a later writer with append. Does nothing once the writer ended, or
     * once the client was closed, because a stopped driver keeps an open writer's content as if
     * the writer had been closed.
     */
    @Override
    public void close() {
        if (endedBy == null && call.clientClosed()) {
            endedBy = "the close of the client";
            call.close();
            return;
        }
        if (endedBy == null) {
            end("close");
        }
    }

    private void end(String action) {
        checkOpen(action);
        endedBy = action;
        try {
            call.run(() -> {
                chunks.finish();
                ObjectNode message = Messages.object();
                message.put("action", action);
                call.send(message);
                call.response();
                call.finish();
                return null;
            });
        } finally {
            call.close();
        }
    }

    private void checkOpen(String action) {
        if (endedBy != null) {
            throw new IllegalStateException("cannot " + action + " the writer of " + call.action
                    + ": it was already ended by " + endedBy);
        }
    }
}

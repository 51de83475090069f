package io.storagedriver.sdk;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storagedriver.DriverInternalException;
import io.storagedriver.FileInfo;
import io.storagedriver.FileWriter;
import io.storagedriver.InvalidOffsetException;
import io.storagedriver.StorageDriver;
import io.storagedriver.StorageDriverException;
import io.storagedriver.WalkVisitor;
import io.storagedriver.internal.wire.ChunkedInputStream;
import io.storagedriver.internal.wire.ChunkedOutputStream;
import io.storagedriver.internal.wire.JsonTrees;
import io.storagedriver.internal.wire.Messages;
import io.storagedriver.internal.wire.WireErrors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The operations that carry content. Each method either returns after its final message or
 * raises the failure, which {@link CallHandler} sends as the error response. Once a response
 * has gone out, failures of the driver go into the trailer or the action's response instead.
 */
final class ContentCalls {
    private final String driverName;
    private final StorageDriver driver;
    private final Requests requests;

    ContentCalls(String driverName, StorageDriver driver, Requests requests) {
        this.driverName = driverName;
        this.driver = driver;
        this.requests = requests;
    }

    void getContent(Call call, ObjectNode request) throws IOException {
        String path = requests.nonRootPath(request, "path");
        byte[] content = driver.getContent(path);
        ObjectNode response = WireErrors.okResponse();
        response.put("size", content.length);
        call.send(response);
        ChunkedOutputStream chunks = new ChunkedOutputStream(call.out());
        chunks.write(content);
        chunks.finish();
        call.send(WireErrors.okResponse());
    }

    /**
     * Sends the file from the offset. The size comes from {@code stat} before the file is opened,
     * and exactly that many bytes are sent; a file that shrinks meanwhile ends in an error
     * trailer.
     */
    void reader(Call call, ObjectNode request) throws IOException {
        String path = requests.nonRootPath(request, "path");
        long offset = requests.integer(request, "offset");
        CallHandler.requireNonNegative(driverName, path, offset);
        FileInfo info = driver.stat(path);
        if (info.isDirectory()) {
            throw CallHandler.notAFile(driverName, path);
        }
        if (offset > info.size()) {
            throw new InvalidOffsetException(driverName, path, offset,
                    "the offset is past the end of the file of " + info.size() + " bytes");
        }
        try (InputStream source = driver.reader(path, offset)) {
            long size = info.size() - offset;
            ObjectNode response = WireErrors.okResponse();
            response.put("size", size);
            call.send(response);
            sendContent(call, source, size);
        }
    }

    private void sendContent(Call call, InputStream source, long size) throws IOException {
        ChunkedOutputStream chunks = new ChunkedOutputStream(call.out());
        byte[] buffer = new byte[Call.BUFFER_BYTES];
        long remaining = size;
        StorageDriverException failure = null;
        while (remaining > 0) {
            int n;
            try {
                n = source.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            } catch (IOException | RuntimeException e) {
                failure = CallHandler.asDriverException(driverName, e);
                break;
            }
            if (n < 0) {
                failure = new DriverInternalException(driverName, "the file ended after "
                        + (size - remaining) + " of " + size + " bytes; it shrank during the read");
                break;
            }
            if (n == buffer.length) {
                // A whole chunk goes out straight from the read buffer, without a second copy.
                chunks.flush();
                Call.writeChunk(call.out(), buffer, n);
            } else {
                chunks.write(buffer, 0, n);
            }
            remaining -= n;
        }
        chunks.finish();
        call.send(failure == null ? WireErrors.okResponse() : WireErrors.errorResponse(failure));
    }

    /** Stores the content once its end chunk has arrived, so a reset stores nothing. */
    void putContent(Call call, ObjectNode request) throws IOException {
        String path = requests.nonRootPath(request, "path");
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        new ChunkedInputStream(call.in()).transferTo(content);
        driver.putContent(path, content.toByteArray());
        call.sendLast(WireErrors.okResponse());
    }

    void writeStream(Call call, ObjectNode request) throws IOException {
        String path = requests.nonRootPath(request, "path");
        long offset = requests.integer(request, "offset");
        CallHandler.requireNonNegative(driverName, path, offset);
        ChunkedInputStream content = new ChunkedInputStream(call.in());
        long written = driver.writeStream(path, offset, content);
        content.drain();
        ObjectNode response = WireErrors.okResponse();
        response.put("written", written);
        call.sendLast(response);
    }

    void list(Call call, ObjectNode request) throws IOException {
        String path = requests.path(request, "path");
        List<String> children = driver.list(path);
        call.send(WireErrors.okResponse());
        ChunkedOutputStream chunks = new ChunkedOutputStream(call.out());
        for (String child : children) {
            chunks.write((child + "\n").getBytes(StandardCharsets.UTF_8));
        }
        chunks.finish();
        call.send(WireErrors.okResponse());
    }

    /**
     * Streams the walk while the driver produces it. The response goes out with the first entry,
     * so a failure before any entry (such as a missing path) is an error response, and a later
     * one an error trailer.
     */
    void walk(Call call, ObjectNode request) throws IOException {
        String path = requests.path(request, "path");
        WalkSender sender = new WalkSender(call);
        try {
            driver.walk(path, sender);
        } catch (RuntimeException e) {
            if (sender.sendFailure != null) {
                throw sender.sendFailure;
            }
            if (!sender.started) {
                throw e;
            }
            sender.chunks.finish();
            call.send(CallHandler.errorResponse(driverName, "Walk", e));
            return;
        }
        sender.start();
        sender.chunks.finish();
        call.send(WireErrors.okResponse());
    }

    /**
     * Sends one JSON line per entry. Returns CONTINUE for every directory, because the host
     * leaves out the entries below a directory whose contents its caller skips.
     */
    private static final class WalkSender implements WalkVisitor {
        private final Call call;
        private final ChunkedOutputStream chunks;
        private boolean started;
        private IOException sendFailure;

        WalkSender(Call call) {
            this.call = call;
            this.chunks = new ChunkedOutputStream(call.out());
        }

        @Override
        public Decision visit(FileInfo entry) {
            try {
                start();
                ObjectNode line = CallHandler.statFields(Messages.object(), entry);
                chunks.write(JsonTrees.toBytes(line));
                chunks.write('\n');
            } catch (IOException e) {
                sendFailure = e;
                throw new UncheckedIOException(e);
            }
            return Decision.CONTINUE;
        }

        void start() throws IOException {
            if (!started) {
                started = true;
                call.send(WireErrors.okResponse());
            }
        }
    }

    /**
     * Runs the writer protocol: open, content, then one action. A failed write does not stop the
     * reading of the content, and the response to the action then carries that failure. A reset,
     * or a stream that ends before the action, leaves the writer closed with its content kept.
     */
    void writer(Call call, ObjectNode request) throws IOException {
        String path = requests.nonRootPath(request, "path");
        boolean append = requests.bool(request, "append");
        FileWriter writer = driver.writer(path, append);
        boolean ended = false;
        try {
            ObjectNode opened = WireErrors.okResponse();
            opened.put("size", writer.size());
            call.send(opened);
            RuntimeException writeFailure = copyToWriter(new ChunkedInputStream(call.in()), writer);
            ObjectNode action = Messages.readRequired(call.in(), "writer action");
            ObjectNode actionResponse = runAction(writer, action, writeFailure);
            ended = true;
            call.send(actionResponse);
        } finally {
            if (!ended) {
                closeQuietly(writer);
            }
        }
    }

    private static RuntimeException copyToWriter(ChunkedInputStream content, FileWriter writer)
            throws IOException {
        byte[] buffer = new byte[Call.BUFFER_BYTES];
        RuntimeException failure = null;
        int n;
        while ((n = content.read(buffer, 0, buffer.length)) >= 0) {
            if (failure == null) {
                try {
                    writer.write(buffer, 0, n);
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
        }
        return failure;
    }

    /** Carries out the action and returns its response; the writer is ended afterwards. */
    private ObjectNode runAction(FileWriter writer, ObjectNode action,
            RuntimeException writeFailure) {
        String name = action.path("action").isTextual() ? action.get("action").asText() : "";
        try {
            if (writeFailure != null) {
                if (name.equals("cancel")) {
                    writer.cancel();
                } else {
                    writer.close();
                }
                return CallHandler.errorResponse(driverName, "Writer", writeFailure);
            }
            long size = writer.size();
            switch (name) {
                case "commit" -> writer.commit();
                case "cancel" -> writer.cancel();
                case "close" -> writer.close();
                default -> {
                    writer.close();
                    throw requests.badRequest("the writer action must be \"commit\", \"cancel\""
                            + " or \"close\", not \"" + name + "\"; the content was kept");
                }
            }
            ObjectNode response = WireErrors.okResponse();
            response.put("size", size);
            return response;
        } catch (RuntimeException e) {
            closeQuietly(writer);
            return CallHandler.errorResponse(driverName, "Writer", e);
        }
    }

    private static void closeQuietly(FileWriter writer) {
        try {
            writer.close();
        } catch (RuntimeException e) {
            // The writer failed already; its first failure is the one reported.
        }
    }
}

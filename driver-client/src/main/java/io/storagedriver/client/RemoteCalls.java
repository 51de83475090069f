package io.storagedriver.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storagedriver.DriverInternalException;
import io.storagedriver.DriverProtocolException;
import io.storagedriver.FileInfo;
import io.storagedriver.FileWriter;
import io.storagedriver.InvalidOffsetException;
import io.storagedriver.ListTooLargeException;
import io.storagedriver.StorageDriver;
import io.storagedriver.StoragePaths;
import io.storagedriver.UnsupportedMethodException;
import io.storagedriver.WalkVisitor;
import io.storagedriver.internal.wire.ChunkedInputStream;
import io.storagedriver.internal.wire.ChunkedOutputStream;
import io.storagedriver.internal.wire.Messages;
import io.storagedriver.internal.wire.Operation;
import io.storagedriver.internal.wire.WireErrors;
import io.storagedriver.internal.wire.WireFormatException;
import io.storagedriver.internal.yamux.YamuxSession;
import io.storagedriver.internal.yamux.YamuxStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The operations of {@link StorageDriver} as calls over the session, one stream per call. With
 * {@code validate} the paths and offsets are checked before anything is sent, and the paths in
 * responses must be those that the request named. Without it requests go out exactly as given
 * and responses come back as sent.
 */
final class RemoteCalls implements StorageDriver {
    /** The maximum bytes of a line of {@code List} or {@code Walk} content, as of a message. */
    static final int MAX_LINE_BYTES = Messages.MAX_MESSAGE_BYTES;

    private final YamuxSession session;
    private final Handshake.Result handshake;
    private final Failures failures;
    private final CallWatchdog watchdog;
    private final ListLimits listLimits;
    private final boolean validate;

    /** The maximum entries and total bytes of paths that one {@code List} call collects. */
    record ListLimits(int maxEntries, long maxBytes) {}

    RemoteCalls(YamuxSession session, Handshake.Result handshake, Failures failures,
            CallWatchdog watchdog, ListLimits listLimits, boolean validate) {
        this.session = session;
        this.handshake = handshake;
        this.failures = failures;
        this.watchdog = watchdog;
        this.listLimits = listLimits;
        this.validate = validate;
    }

    @Override
    public String name() {
        return handshake.name();
    }

    @Override
    public String apiVersion() {
        return handshake.apiVersion();
    }

    @Override
    public byte[] getContent(String path) {
        checkPath(path, false);
        try (Call call = open(Operation.GET_CONTENT, path)) {
            return call.run(() -> {
                JsonNode response = call.request(request(Operation.GET_CONTENT, path));
                long size = integerField(response, "size", -1, "GetContent " + path);
                if (size < 0 || size > Integer.MAX_VALUE - 8) {
                    throw new DriverInternalException(name(), "GetContent " + path
                            + ": the driver announced " + size + " bytes, which a byte array "
                            + "cannot hold; read large files with reader()");
                }
                // The buffer grows with the bytes that arrive, not with the size announced.
                ByteArrayOutputStream content = new ByteArrayOutputStream(
                        (int) Math.min(size, ChunkedOutputStream.CHUNK_BYTES));
                call.readContent(size, content);
                return content.toByteArray();
            });
        }
    }

    @Override
    public void putContent(String path, byte[] content) {
        Objects.requireNonNull(content, "content");
        checkPath(path, false);
        try (Call call = open(Operation.PUT_CONTENT, path)) {
            call.run(() -> {
                call.send(request(Operation.PUT_CONTENT, path));
                ChunkedOutputStream chunks = new ChunkedOutputStream(call.out);
                chunks.write(content);
                call.answeredEarly = call.in.available() > 0;
                chunks.finish();
                call.response();
                call.checkNotAnsweredOkEarly();
                call.finish();
                return null;
            });
        }
    }

    @Override
    public InputStream reader(String path, long offset) {
        checkPath(path, false);
        checkOffset(path, offset);
        Call call = open(Operation.READER, path);
        try {
            JsonNode response = call.run(() -> {
                ObjectNode request = request(Operation.READER, path);
                request.put("offset", offset);
                return call.request(request);
            });
            long size = integerField(response, "size", -1, "Reader " + path);
            if (size < 0) {
                throw new DriverProtocolException(name(), "Reader " + path
                        + ": the driver's answer lacks the field size: "
                        + WireErrors.printable(response.toString()));
            }
            return new RemoteReader(call, size);
        } catch (RuntimeException | Error e) {
            call.close();
            throw e;
        }
    }

    @Override
    public long writeStream(String path, long offset, InputStream content) {
        Objects.requireNonNull(content, "content");
        checkPath(path, false);
        checkOffset(path, offset);
        try (Call call = open(Operation.WRITE_STREAM, path)) {
            call.run(() -> {
                ObjectNode request = request(Operation.WRITE_STREAM, path);
                request.put("offset", offset);
                call.send(request);
                return null;
            });
            call.sendContentFrom(content);
            JsonNode response = call.run(call::response);
            call.checkNotAnsweredOkEarly();
            call.finish();
            return integerField(response, "written", 0, "WriteStream " + path);
        }
    }

    @Override
    public long currentSize(String path) {
        return StorageDriver.super.currentSize(path);
    }

    @Override
    public List<String> list(String path) {
        checkPath(path, true);
        try (Call call = open(Operation.LIST, path)) {
            return call.run(() -> {
                call.request(request(Operation.LIST, path));
                String prefix = childPrefix(path);
                List<String> children = new ArrayList<>();
                long[] bytes = {0};
                call.readLines((line, lineBytes) -> {
                    bytes[0] += lineBytes;
                    if (children.size() == listLimits.maxEntries()) {
                        throw listTooLarge(path, "more than " + listLimits.maxEntries()
                                + " entries", "maxListEntries");
                    }
                    if (bytes[0] > listLimits.maxBytes()) {
                        throw listTooLarge(path, "more than " + listLimits.maxBytes()
                                + " bytes of paths", "maxListBytes");
                    }
                    checkBelow("List", path, prefix, line, true);
                    children.add(line);
                });
                return children;
            });
        }
    }

    private ListTooLargeException listTooLarge(String path, String excess, String option) {
        return new ListTooLargeException(name(), path, "List " + path + ": driver " + name()
                + " returned " + excess + ", the limit of this client. Raise the limit with "
                + "DriverOptions.Builder." + option + ", or walk the directory, which passes "
                + "entries one at a time, and skip the contents of its subdirectories");
    }

    @Override
    public void move(String source, String destination) {
        checkPath(source, false);
        checkPath(destination, false);
        try (Call call = open(Operation.MOVE, source + " -> " + destination)) {
            call.run(() -> {
                ObjectNode request = Messages.object();
                request.put("op", Operation.MOVE.wireName());
                putString(request, "source", source);
                putString(request, "destination", destination);
                return call.requestFinal(request);
            });
        }
    }

    @Override
    public void delete(String path) {
        checkPath(path, false);
        try (Call call = open(Operation.DELETE, path)) {
            call.run(() -> call.requestFinal(request(Operation.DELETE, path)));
        }
    }

    @Override
    public FileInfo stat(String path) {
        checkPath(path, true);
        try (Call call = open(Operation.STAT, path)) {
            JsonNode response = call.run(() -> call.requestFinal(request(Operation.STAT, path)));
            FileInfo info = fileInfo(response, path);
            if (validate && !info.path().equals(path)) {
                throw new DriverProtocolException(name(), "Stat " + path + ": driver " + name()
                        + " returned the metadata of \"" + WireErrors.printable(info.path())
                        + "\" instead of the requested path. This is a bug in the driver");
            }
            return info;
        }
    }

    @Override
    public FileWriter writer(String path, boolean append) {
        checkPath(path, false);
        Call call = open(Operation.WRITER, path);
        try {
            JsonNode response = call.run(() -> {
                ObjectNode request = request(Operation.WRITER, path);
                request.put("append", append);
                return call.request(request);
            });
            return new RemoteWriter(call, integerField(response, "size", 0, "Writer " + path));
        } catch (RuntimeException | Error e) {
            call.close();
            throw e;
        }
    }

    @Override
    public void walk(String path, WalkVisitor visitor) {
        Objects.requireNonNull(visitor, "visitor");
        checkPath(path, true);
        try (Call call = open(Operation.WALK, path)) {
            call.run(() -> {
                call.request(request(Operation.WALK, path));
                String prefix = childPrefix(path);
                String[] skipBelow = {null};
                call.readLines((line, lineBytes) -> {
                    FileInfo entry = fileInfo(parseLine(line), null);
                    checkBelow("Walk", path, prefix, entry.path(), false);
                    if (skipBelow[0] != null && entry.path().startsWith(skipBelow[0])) {
                        return;
                    }
                    skipBelow[0] = null;
                    if (visitor.visit(entry) == WalkVisitor.Decision.SKIP_CONTENTS
                            && entry.isDirectory()) {
                        skipBelow[0] = entry.path() + "/";
                    }
                });
                return null;
            });
        }
    }

    @Override
    public String redirectUrl(String path) {
        checkPath(path, false);
        try (Call call = open(Operation.REDIRECT_URL, path)) {
            JsonNode response = call.run(() -> call.requestFinal(
                    request(Operation.REDIRECT_URL, path)));
            return response.path("url").asText("");
        }
    }

    private JsonNode parseLine(String line) {
        try {
            return Messages.parseObject(line.getBytes(StandardCharsets.UTF_8), "Walk line");
        } catch (WireFormatException e) {
            throw new DriverProtocolException(name(), "Walk: the driver sent a malformed line: "
                    + e.getMessage(), e);
        }
    }

    private FileInfo fileInfo(JsonNode node, String requestedPath) {
        String path = node.path("path").asText(requestedPath == null ? "" : requestedPath);
        JsonNode size = node.path("size");
        JsonNode modTime = node.path("modTime");
        if (path.isEmpty() || !isInteger(size) || !isInteger(modTime) || size.asLong() < 0
                || !node.path("isDir").isBoolean()) {
            String action = requestedPath == null ? "Walk" : "Stat " + requestedPath;
            throw new DriverProtocolException(name(), action + ": driver " + name()
                    + " sent file metadata without a valid path, size, modTime or isDir: "
                    + WireErrors.printable(node.toString()));
        }
        return new FileInfo(path, size.asLong(), Instant.ofEpochMilli(modTime.asLong()),
                node.path("isDir").asBoolean(false));
    }

    /** Returns whether a field contains an integer that fits a long, not a fraction or a string. */
    private static boolean isInteger(JsonNode field) {
        return field.isIntegralNumber() && field.canConvertToLong();
    }

    /**
     * Returns the integer field of a response, {@code fallback} when it is missing, and raises a
     * protocol error when it contains anything but an integer.
     */
    private long integerField(JsonNode response, String field, long fallback, String action) {
        JsonNode value = response.path(field);
        if (value.isMissingNode()) {
            return fallback;
        }
        if (!isInteger(value)) {
            throw new DriverProtocolException(name(), action + ": driver " + name()
                    + " sent a field " + field + " that is not an integer: "
                    + WireErrors.printable(response.toString()));
        }
        return value.longValue();
    }

    private void checkPath(String path, boolean rootAllowed) {
        if (!validate) {
            return;
        }
        if (rootAllowed) {
            StoragePaths.requireValid(name(), path);
        } else {
            StoragePaths.requireValidNonRoot(name(), path);
        }
    }

    /** Returns the start that every path below {@code directory} shares. */
    private static String childPrefix(String directory) {
        return directory.equals("/") ? "/" : directory + "/";
    }

    /**
     * Rejects a path in a {@code List} or {@code Walk} response that is not below {@code
     * directory}, or for {@code List} not a direct child of it, because callers build on such
     * paths. {@code prefix} is the {@link #childPrefix} of {@code directory}. Only with {@code
     * validate}.
     */
    private void checkBelow(String action, String directory, String prefix, String entry,
            boolean childOnly) {
        if (!validate) {
            return;
        }
        boolean below = entry.startsWith(prefix) && entry.length() > prefix.length()
                && StoragePaths.isValid(entry);
        if (below && (!childOnly || entry.indexOf('/', prefix.length()) < 0)) {
            return;
        }
        String expected = childOnly ? "a direct child of " : "a valid path below ";
        throw new DriverProtocolException(name(), action + " " + directory + ": driver " + name()
                + " returned \"" + WireErrors.printable(entry) + "\", which is not " + expected
                + directory + ". This is a bug in the driver");
    }

    private void checkOffset(String path, long offset) {
        if (validate && offset < 0) {
            throw new InvalidOffsetException(name(), path, offset, "offsets must not be negative");
        }
    }

    private ObjectNode request(Operation operation, String path) {
        ObjectNode request = Messages.object();
        request.put("op", operation.wireName());
        putString(request, "path", path);
        return request;
    }

    /** Puts a string as given, so that unchecked requests can carry a JSON null. */
    private static void putString(ObjectNode request, String field, String value) {
        if (value == null) {
            request.putNull(field);
        } else {
            request.put(field, value);
        }
    }

    private Call open(Operation operation, String subject) {
        String action = operation.wireName() + " " + subject;
        if (!handshake.operations().contains(operation.wireName())) {
            throw new UnsupportedMethodException(name(), operation.wireName());
        }
        failures.checkOpen(action);
        try {
            return new Call(session.openStream(), action);
        } catch (IOException e) {
            throw failures.translate(e, action, null, watchdog.timeout());
        }
    }

    /**
     * Writes content through {@code chunks}, whose underlying stream is {@code out}. Whole
     * chunks of {@link ChunkedOutputStream#CHUNK_BYTES} go out straight from {@code data} behind
     * their own length prefix, which saves copying them into the chunk buffer; the rest is
     * buffered as usual.
     */
    static void writeContent(ChunkedOutputStream chunks, OutputStream out, byte[] data,
            int offset, int length) throws IOException {
        int at = offset;
        int left = length;
        if (left >= ChunkedOutputStream.CHUNK_BYTES) {
            chunks.flush();
            byte[] prefix = new byte[4];
            ByteBuffer.wrap(prefix).putInt(ChunkedOutputStream.CHUNK_BYTES);
            while (left >= ChunkedOutputStream.CHUNK_BYTES) {
                out.write(prefix);
                out.write(data, at, ChunkedOutputStream.CHUNK_BYTES);
                at += ChunkedOutputStream.CHUNK_BYTES;
                left -= ChunkedOutputStream.CHUNK_BYTES;
            }
        }
        chunks.write(data, at, left);
    }

    /** A step of a call that may fail with an I/O error. */
    @FunctionalInterface
    interface Step<T> {
        T run() throws IOException;
    }

    /** Receives one line of content, without its line end, and its length in bytes. */
    @FunctionalInterface
    interface LineHandler {
        void accept(String line, int bytes) throws IOException;
    }

    /** One call: its stream, and the helpers that speak the message and content format. */
    final class Call implements AutoCloseable {
        final YamuxStream stream;
        final InputStream in;
        final OutputStream out;
        final String action;
        private boolean finished;
        /** Whether the response arrived before this call sent the 0 chunk that ends the content. */
        boolean answeredEarly;

        Call(YamuxStream stream, String action) {
            this.stream = stream;
            this.in = stream.inputStream();
            this.out = stream.outputStream();
            this.action = action;
        }

        /**
         * Runs one blocking step under the call timeout. Transport failures reset the stream
         * and become typed exceptions; an exception from the driver passes through. Raises
         * {@link io.storagedriver.DriverExitedException} without running the step once the
         * client is closed.
         */
        <T> T run(Step<T> step) {
            failures.checkNotClosedByUser(action);
            CallWatchdog.Watch watch = watchdog.watch(stream);
            try {
                return step.run();
            } catch (IOException e) {
                stream.reset();
                finished = true;
                throw failures.translate(e, action, watch, watchdog.timeout());
            } finally {
                watch.close();
            }
        }

        void send(ObjectNode request) throws IOException {
            Messages.write(out, request);
        }

        /** Sends a request without content and returns its successful response. */
        JsonNode request(ObjectNode request) throws IOException {
            send(request);
            return response();
        }

        /** Sends a request without content and returns its response, which ends the call. */
        JsonNode requestFinal(ObjectNode request) throws IOException {
            JsonNode response = request(request);
            finish();
            return response;
        }

        /** Reads the response; raises the driver's error, after which the call is finished. */
        JsonNode response() throws IOException {
            ObjectNode response = Messages.readRequired(in, "response to " + action);
            if (!WireErrors.isOk(response)) {
                finish();
                throw WireErrors.toException(name(), response);
            }
            return response;
        }

        /**
         * Reads content of the announced size into {@code target}, then the trailer. Fails as
         * soon as the driver sends more than it announced, so the excess is never buffered.
         */
        void readContent(long size, OutputStream target) throws IOException {
            ChunkedInputStream chunks = new ChunkedInputStream(in);
            byte[] buffer = new byte[ChunkedOutputStream.CHUNK_BYTES];
            long count = 0;
            int n;
            while ((n = chunks.read(buffer, 0, buffer.length)) >= 0) {
                count += n;
                if (count > size) {
                    throw new DriverProtocolException(name(), action + ": the driver sent more "
                            + "than the " + size + " bytes of content it announced");
                }
                target.write(buffer, 0, n);
            }
            checkContentEnd(count, size);
        }

        /** Checks the length of finished content and reads the trailer. */
        void checkContentEnd(long count, long size) throws IOException {
            ObjectNode trailer = Messages.readRequired(in, "trailer of " + action);
            if (!WireErrors.isOk(trailer)) {
                finish();
                throw WireErrors.toException(name(), trailer);
            }
            if (size >= 0 && count != size) {
                throw new DriverProtocolException(name(), action + ": the driver announced "
                        + size + " bytes of content but sent " + count);
            }
            finish();
        }

        /**
         * Reads content made of lines ended by {@code \n}, then the trailer. A line longer than
         * {@link #MAX_LINE_BYTES} fails the call, so that a driver cannot make the host buffer
         * an endless line.
         */
        void readLines(LineHandler handler) throws IOException {
            ChunkedInputStream chunks = new ChunkedInputStream(in);
            byte[] buffer = new byte[ChunkedOutputStream.CHUNK_BYTES];
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            try {
                int n;
                while ((n = chunks.read(buffer, 0, buffer.length)) >= 0) {
                    int start = 0;
                    for (int i = 0; i < n; i++) {
                        if (buffer[i] == '\n') {
                            appendToLine(line, buffer, start, i - start);
                            emitLine(line, handler);
                            start = i + 1;
                        }
                    }
                    appendToLine(line, buffer, start, n - start);
                }
                emitLine(line, handler);
            } catch (RuntimeException e) {
                stream.reset();
                finished = true;
                throw e;
            }
            checkContentEnd(0, -1);
        }

        private void appendToLine(ByteArrayOutputStream line, byte[] bytes, int offset,
                int length) {
            if (line.size() + length > MAX_LINE_BYTES) {
                throw new DriverProtocolException(name(), action + ": the driver sent a line "
                        + "of content longer than " + MAX_LINE_BYTES + " bytes");
            }
            line.write(bytes, offset, length);
        }

        private void emitLine(ByteArrayOutputStream line, LineHandler handler)
                throws IOException {
            int bytes = line.size();
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
                bytes--;
            }
            if (!text.isEmpty()) {
                handler.accept(text, bytes);
            }
        }

        /**
         * Copies {@code source} as request content. Stops early when the driver has already
         * answered. When the source fails, ends the content and waits for the driver's answer
         * before raising, so that the driver has finished writing by the time the caller sees
         * the failure and asks for the current size.
         */
        void sendContentFrom(InputStream source) {
            ChunkedOutputStream chunks = new ChunkedOutputStream(out);
            byte[] buffer = new byte[ChunkedOutputStream.CHUNK_BYTES];
            long copied = 0;
            while (true) {
                int n;
                try {
                    n = source.read(buffer);
                } catch (IOException e) {
                    throw sourceFailed(chunks, copied, e);
                }
                if (n < 0) {
                    break;
                }
                copied += n;
                int length = n;
                boolean answered = run(() -> {
                    writeContent(chunks, out, buffer, 0, length);
                    return in.available() > 0;
                });
                if (answered) {
                    answeredEarly = true;
                    break;
                }
            }
            run(() -> {
                chunks.finish();
                return null;
            });
        }

        private UncheckedIOException sourceFailed(ChunkedOutputStream chunks, long copied,
                IOException failure) {
            JsonNode answer;
            try {
                answer = run(() -> {
                    chunks.finish();
                    return response();
                });
            } catch (RuntimeException e) {
                e.addSuppressed(failure);
                throw e;
            }
            finish();
            return new UncheckedIOException(action + ": reading the content to send failed after "
                    + copied + " bytes; the driver kept " + answer.path("written").asLong(0)
                    + " bytes written at the offset, so resume from currentSize()", failure);
        }

        /**
         * Rejects an ok response that arrived before the content's 0 chunk was sent. A driver may
         * respond early only with an error, because until it reads the 0 chunk it cannot know
         * that it stored the whole content. Only with {@code validate}.
         *
         * <p>NOTE: an early ok is seen only if it arrived before the 0 chunk was sent, which is
         * certain when the content was larger than the driver's receive window. A driver that
         * accepts a small content early can go unnoticed.
         */
        void checkNotAnsweredOkEarly() {
            if (validate && answeredEarly) {
                throw new DriverProtocolException(name(), action + ": driver " + name()
                        + " answered ok before it read the end of the content, so it may not "
                        + "have stored all of it. This is a bug in the driver: only an error may "
                        + "come before the content's 0 chunk");
            }
        }

        /** Half-closes the call after its last message; the driver forgets the stream. */
        void finish() {
            if (finished) {
                return;
            }
            finished = true;
            try {
                stream.closeWrite();
            } catch (IOException e) {
                // The call's outcome is known; a failed FIN changes nothing for the caller.
            }
            stream.close();
        }

        String driverName() {
            return name();
        }

        /** Returns whether the client that made this call was closed. */
        boolean clientClosed() {
            return failures.closedByUser();
        }

        /** Ends the call: a normal close when it finished, a reset when it was abandoned. */
        @Override
        public void close() {
            if (!finished) {
                finished = true;
                stream.reset();
            }
        }
    }
}

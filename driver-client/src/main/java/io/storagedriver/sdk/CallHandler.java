package io.storagedriver.sdk;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storagedriver.DriverInternalException;
import io.storagedriver.ErrorCode;
import io.storagedriver.FileInfo;
import io.storagedriver.InvalidOffsetException;
import io.storagedriver.PathNotFoundException;
import io.storagedriver.StorageDriver;
import io.storagedriver.StorageDriverException;
import io.storagedriver.UnsupportedMethodException;
import io.storagedriver.internal.wire.Messages;
import io.storagedriver.internal.wire.Operation;
import io.storagedriver.internal.wire.WireErrors;
import io.storagedriver.internal.wire.WireFormatException;
import io.storagedriver.internal.yamux.YamuxException;
import io.storagedriver.internal.yamux.YamuxStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the calls of a configured driver, one stream per call: reads the request, checks its
 * fields and paths, calls the driver and sends the response. A failed call never ends the
 * session. The operations with content live in {@link ContentCalls}.
 */
final class CallHandler {
    private static final Logger LOG = LoggerFactory.getLogger(CallHandler.class);

    private final String driverName;
    private final StorageDriver driver;
    private final Set<String> operations;
    private final Requests requests;
    private final ContentCalls contentCalls;

    CallHandler(String driverName, StorageDriver driver, Set<String> operations) {
        this.driverName = driverName;
        this.driver = driver;
        this.operations = Set.copyOf(operations);
        this.requests = new Requests(driverName);
        this.contentCalls = new ContentCalls(driverName, driver, requests);
    }

    /** Serves one call to its end; never throws. */
    void handle(YamuxStream stream) {
        Call call = new Call(stream);
        try {
            serve(call);
        } catch (YamuxException e) {
            if (e.kind() == YamuxException.Kind.STREAM_RESET) {
                LOG.debug("call cancelled by the host stream={}", call.streamId());
            } else {
                LOG.debug("call ended with the session stream={} error={}", call.streamId(),
                        e.getMessage());
            }
        } catch (IOException e) {
            LOG.warn("call failed on its stream stream={} error={}", call.streamId(), e.toString());
        } catch (RuntimeException | Error e) {
            LOG.error("call failed unexpectedly stream={}", call.streamId(), e);
        } finally {
            call.release();
        }
    }

    private void serve(Call call) throws IOException {
        ObjectNode request;
        try {
            request = Messages.read(call.in());
        } catch (WireFormatException | EOFException e) {
            // A request cut short by the end of its stream is malformed too; the host only
            // half-closed the stream, so the answer can still reach it.
            call.sendLast(WireErrors.errorResponse(ErrorCode.BAD_REQUEST,
                    "malformed request: " + e.getMessage(), null, null));
            call.finish();
            return;
        }
        if (request == null) {
            call.finish();
            return;
        }
        String opName = request.path("op").isTextual() ? request.get("op").asText() : null;
        try {
            dispatch(call, opName, request);
        } catch (IOException | RuntimeException e) {
            if (e instanceof YamuxException || call.responded()) {
                throw e;
            }
            if (call.isReset()) {
                LOG.debug("call cancelled by the host stream={} op={}", call.streamId(), opName);
                return;
            }
            call.sendLast(errorResponse(driverName, opName, e));
        }
        call.finish();
    }

    private void dispatch(Call call, String opName, ObjectNode request) throws IOException {
        if (opName == null) {
            throw requests.badRequest("the request has no text field \"op\"");
        }
        Optional<Operation> found = Operation.fromWireName(opName);
        if (found.isEmpty() || !operations.contains(opName)) {
            throw new UnsupportedMethodException(driverName, opName);
        }
        Operation operation = found.get();
        LOG.debug("call stream={} op={}", call.streamId(), opName);
        switch (operation) {
            case GET_CONTENT -> contentCalls.getContent(call, request);
            case PUT_CONTENT -> contentCalls.putContent(call, request);
            case READER -> contentCalls.reader(call, request);
            case WRITE_STREAM -> contentCalls.writeStream(call, request);
            case LIST -> contentCalls.list(call, request);
            case WALK -> contentCalls.walk(call, request);
            case WRITER -> contentCalls.writer(call, request);
            case STAT -> stat(call, request);
            case MOVE -> move(call, request);
            case DELETE -> delete(call, request);
            case REDIRECT_URL -> redirectUrl(call, request);
        }
    }

    private void stat(Call call, ObjectNode request) throws IOException {
        String path = requests.path(request, "path");
        FileInfo info = driver.stat(path);
        call.sendLast(statFields(WireErrors.okResponse(), info));
    }

    private void move(Call call, ObjectNode request) throws IOException {
        String source = requests.nonRootPath(request, "source");
        String destination = requests.nonRootPath(request, "destination");
        driver.move(source, destination);
        call.sendLast(WireErrors.okResponse());
    }

    private void delete(Call call, ObjectNode request) throws IOException {
        String path = requests.nonRootPath(request, "path");
        driver.delete(path);
        call.sendLast(WireErrors.okResponse());
    }

    private void redirectUrl(Call call, ObjectNode request) throws IOException {
        String path = requests.nonRootPath(request, "path");
        String url = driver.redirectUrl(path);
        ObjectNode response = WireErrors.okResponse();
        response.put("url", url == null ? "" : url);
        call.sendLast(response);
    }

    /** Adds the fields of a {@code Stat} response, which are also those of a walk entry. */
    static ObjectNode statFields(ObjectNode target, FileInfo info) {
        target.put("path", info.path());
        target.put("size", info.size());
        target.put("modTime", info.modificationTime().toEpochMilli());
        target.put("isDir", info.isDirectory());
        return target;
    }

    /** Builds the error response or trailer for a failure of the driver or of the request. */
    static ObjectNode errorResponse(String driverName, String opName, Exception e) {
        StorageDriverException failure = asDriverException(driverName, e);
        if (failure.code() == ErrorCode.INTERNAL) {
            LOG.warn("call failed op={} error={}", opName, failure.getMessage(), e);
        } else {
            LOG.debug("call failed op={} code={} error={}", opName, failure.code().wireName(),
                    failure.getMessage());
        }
        ObjectNode response = WireErrors.errorResponse(failure);
        if (failure instanceof UnsupportedMethodException unsupported) {
            ((ObjectNode) response.get("error")).put("operation", unsupported.operation());
        }
        return response;
    }

    /**
     * Returns the typed failure behind {@code e}: the exception itself, the {@link
     * StorageDriverException} that a driver's stream wrapped in an {@link IOException}, a {@code
     * BadRequest} for malformed or truncated request content, or {@code Internal} with the
     * message.
     */
    static StorageDriverException asDriverException(String driverName, Throwable e) {
        if (e instanceof StorageDriverException driverException) {
            return driverException;
        }
        if (e instanceof IOException && e.getCause() instanceof StorageDriverException cause) {
            return cause;
        }
        if (e instanceof WireFormatException || e instanceof EOFException) {
            return new StorageDriverException(driverName, ErrorCode.BAD_REQUEST,
                    "malformed request content: " + e.getMessage());
        }
        String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
        return new DriverInternalException(driverName, message, e);
    }

    /** Checks a request offset before the server calls the driver. */
    static void requireNonNegative(String driverName, String path, long offset) {
        if (offset < 0) {
            throw new InvalidOffsetException(driverName, path, offset,
                    "the offset must not be negative");
        }
    }

    /** Raises the {@code PathNotFound} of a directory where a file is expected. */
    static PathNotFoundException notAFile(String driverName, String path) {
        return new PathNotFoundException(driverName, path, "is a directory, not a file");
    }
}

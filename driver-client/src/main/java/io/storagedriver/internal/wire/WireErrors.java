package io.storagedriver.internal.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storagedriver.DriverInternalException;
import io.storagedriver.DriverProtocolException;
import io.storagedriver.ErrorCode;
import io.storagedriver.IncompatibleVersionException;
import io.storagedriver.InvalidOffsetException;
import io.storagedriver.InvalidParametersException;
import io.storagedriver.InvalidPathException;
import io.storagedriver.PathNotFoundException;
import io.storagedriver.StorageDriverException;
import io.storagedriver.UnsupportedMethodException;

/** Converts between typed exceptions and the error objects of the wire. */
public final class WireErrors {
    private WireErrors() {}

    /** Builds the response {@code {"ok": false, "error": {...}}} for an exception. */
    public static ObjectNode errorResponse(ErrorCode code, String message, String path,
            Long offset) {
        ObjectNode error = Messages.object();
        error.put("code", code.wireName());
        error.put("message", message == null ? code.wireName() : message);
        if (path != null) {
            error.put("path", path);
        }
        if (offset != null) {
            error.put("offset", offset);
        }
        ObjectNode response = Messages.object();
        response.put("ok", false);
        response.set("error", error);
        return response;
    }

    /** Builds the error response for a typed exception, keeping its path and offset. */
    public static ObjectNode errorResponse(StorageDriverException e) {
        String path = null;
        Long offset = null;
        if (e instanceof PathNotFoundException notFound) {
            path = notFound.path();
        } else if (e instanceof InvalidPathException invalid) {
            path = invalid.path();
        } else if (e instanceof InvalidOffsetException invalidOffset) {
            path = invalidOffset.path();
            offset = invalidOffset.offset();
        }
        return errorResponse(e.code(), e.getMessage(), path, offset);
    }

    /** Builds the response {@code {"ok": true}}. */
    public static ObjectNode okResponse() {
        ObjectNode response = Messages.object();
        response.put("ok", true);
        return response;
    }

    /** Returns whether a response or trailer contains {@code "ok": true}. */
    public static boolean isOk(JsonNode response) {
        return response.path("ok").asBoolean(false);
    }

    /**
     * Rebuilds the typed exception from the {@code error} object of a failed response. The
     * driver's message is kept as the exception's message.
     */
    public static StorageDriverException toException(String driverName, JsonNode response) {
        JsonNode error = response.path("error");
        String codeName = error.path("code").asText("");
        String message = error.path("message").asText("");
        String path = error.path("path").asText("");
        long offset = error.path("offset").asLong(-1);
        ErrorCode code = ErrorCode.fromWireName(codeName).orElse(ErrorCode.INTERNAL);
        String detail = message.isEmpty() ? codeName : message;
        StorageDriverException result = switch (code) {
            case PATH_NOT_FOUND -> new PathNotFoundException(driverName, path,
                    withoutPrefix(detail, "path " + path + ": "));
            case INVALID_PATH -> new InvalidPathException(driverName, path,
                    withoutPrefix(detail, "invalid path \"" + path + "\": "));
            case INVALID_OFFSET -> new InvalidOffsetException(driverName, path, offset,
                    withoutPrefix(detail, "invalid offset " + offset + " for path " + path
                            + ": "));
            case UNSUPPORTED_METHOD -> new UnsupportedMethodException(driverName,
                    error.path("operation").asText(detail));
            case INVALID_PARAMETERS -> new InvalidParametersException(driverName, detail);
            case INCOMPATIBLE_VERSION -> new IncompatibleVersionException(driverName, "", "",
                    detail);
            case BAD_REQUEST -> new DriverProtocolException(driverName,
                    "driver " + driverName + " rejected a request as malformed: " + detail);
            case INTERNAL -> new DriverInternalException(driverName,
                    codeName.equals("Internal") || codeName.isEmpty()
                            ? detail : codeName + ": " + detail);
        };
        return result;
    }

    /**
     * Removes the prefix that the exception's own message adds, when the driver's message
     * already starts with it, so that it does not appear twice.
     */
    private static String withoutPrefix(String detail, String prefix) {
        String rest = detail.startsWith(prefix) ? detail.substring(prefix.length()) : detail;
        return rest.isEmpty() ? detail : rest;
    }
}

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
    /** Maximum number of characters of a driver's text that a message or log line shows. */
    static final int MAX_TEXT_CHARS = 2000;

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
        if (!error.isObject() || !error.path("code").isTextual()
                || error.path("code").textValue().isEmpty()) {
            return new DriverProtocolException(driverName, "driver " + driverName
                    + " sent a malformed error answer: it needs an object error with a string"
                    + " code, but sent " + printable(response.toString()));
        }
        String codeName = printable(error.path("code").textValue());
        String message = printable(error.path("message").asText(""));
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
     * Returns text from a driver as it may appear in a message or a log line: control characters
     * escaped as {@code \\uXXXX}, so that a driver cannot start new log lines or send terminal
     * escapes, and at most {@value #MAX_TEXT_CHARS} characters, the rest counted.
     */
    public static String printable(String text) {
        int shown = Math.min(text.length(), MAX_TEXT_CHARS);
        StringBuilder result = new StringBuilder(shown + 16);
        for (int i = 0; i < shown; i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                result.append(String.format("\\u%04x", (int) c));
            } else {
                result.append(c);
            }
        }
        if (text.length() > shown) {
            result.append("... (").append(text.length() - shown).append(" more characters)");
        }
        return result.toString();
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

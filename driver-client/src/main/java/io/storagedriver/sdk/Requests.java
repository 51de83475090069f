package io.storagedriver.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storagedriver.ErrorCode;
import io.storagedriver.StorageDriverException;
import io.storagedriver.StoragePaths;
import java.util.Locale;

/**
 * Reads typed fields of a request message. A missing field or one of the wrong type raises a
 * {@link StorageDriverException} with code {@code BadRequest}.
 */
final class Requests {
    private final String driverName;

    Requests(String driverName) {
        this.driverName = driverName;
    }

    /** Returns the text field {@code field}. */
    String text(ObjectNode message, String field) {
        JsonNode node = message.get(field);
        if (node == null || node.isNull()) {
            throw badRequest("the request has no field \"" + field + "\"");
        }
        if (!node.isTextual()) {
            throw badRequest("the field \"" + field + "\" must be a string, not " + kind(node));
        }
        return node.asText();
    }

    /** Returns the integer field {@code field}, which may be negative. */
    long integer(ObjectNode message, String field) {
        JsonNode node = message.get(field);
        if (node == null || node.isNull()) {
            throw badRequest("the request has no field \"" + field + "\"");
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw badRequest("the field \"" + field + "\" must be an integer, not " + kind(node));
        }
        return node.asLong();
    }

    /** Returns the boolean field {@code field}. */
    boolean bool(ObjectNode message, String field) {
        JsonNode node = message.get(field);
        if (node == null || node.isNull()) {
            throw badRequest("the request has no field \"" + field + "\"");
        }
        if (!node.isBoolean()) {
            throw badRequest("the field \"" + field + "\" must be true or false, not "
                    + kind(node));
        }
        return node.asBoolean();
    }

    /** Returns the path in {@code field}, checked against the path rules; the root is allowed. */
    String path(ObjectNode message, String field) {
        return StoragePaths.requireValid(driverName, text(message, field));
    }

    /** Returns the path in {@code field}, checked against the path rules; the root is invalid. */
    String nonRootPath(ObjectNode message, String field) {
        return StoragePaths.requireValidNonRoot(driverName, text(message, field));
    }

    StorageDriverException badRequest(String message) {
        return new StorageDriverException(driverName, ErrorCode.BAD_REQUEST, message);
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> node.isIntegralNumber() ? "an integer out of range" : "a fraction";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }
}

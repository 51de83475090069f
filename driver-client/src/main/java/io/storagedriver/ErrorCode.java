package io.storagedriver;

import java.util.Optional;

/** The error codes that travel in the {@code code} field of an error message on the wire. */
public enum ErrorCode {
    PATH_NOT_FOUND("PathNotFound"),
    INVALID_PATH("InvalidPath"),
    INVALID_OFFSET("InvalidOffset"),
    UNSUPPORTED_METHOD("UnsupportedMethod"),
    INTERNAL("Internal"),
    INVALID_PARAMETERS("InvalidParameters"),
    INCOMPATIBLE_VERSION("IncompatibleVersion"),
    BAD_REQUEST("BadRequest");

    private final String wireName;

    ErrorCode(String wireName) {
        this.wireName = wireName;
    }

    /** Returns the name used on the wire, such as {@code PathNotFound}. */
    public String wireName() {
        return wireName;
    }

    /** Looks up a code by its wire name. */
    public static Optional<ErrorCode> fromWireName(String name) {
        for (ErrorCode code : values()) {
            if (code.wireName.equals(name)) {
                return Optional.of(code);
            }
        }
        return Optional.empty();
    }
}

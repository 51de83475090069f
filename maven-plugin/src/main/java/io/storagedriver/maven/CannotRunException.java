package io.storagedriver.maven;

/**
 * The suite could not run: the configuration is invalid, or the driver is missing, does not start,
 * speaks an incompatible version or rejects its parameters. The message is meant for the build
 * user and says what to change.
 */
final class CannotRunException extends Exception {
    CannotRunException(String message) {
        super(message);
    }

    CannotRunException(String message, Throwable cause) {
        super(message, cause);
    }
}

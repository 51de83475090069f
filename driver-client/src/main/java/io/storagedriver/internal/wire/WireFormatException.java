package io.storagedriver.internal.wire;

import java.io.IOException;

/** A message or content chunk on a stream is malformed. */
public final class WireFormatException extends IOException {
    public WireFormatException(String message) {
        super(message);
    }
}

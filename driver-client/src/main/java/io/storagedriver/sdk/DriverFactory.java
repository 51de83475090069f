package io.storagedriver.sdk;

import io.storagedriver.StorageDriver;
import io.storagedriver.internal.wire.Operation;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Creates the {@link StorageDriver} that {@link DriverServer} serves, once the host has sent the
 * driver's parameters.
 *
 * <p>When the session ends, the server closes the driver if it implements {@link AutoCloseable}.
 */
public interface DriverFactory {

    /** Returns the driver's name, such as {@code filesystem}, which the handshake sends. */
    String name();

    /**
     * Returns the wire names of the operations the driver implements, such as {@code GetContent}.
     * The host calls no other operation, and the server rejects any other with {@code
     * UnsupportedMethod}. The default is every operation of the protocol.
     */
    default Set<String> operations() {
        Set<String> names = new LinkedHashSet<>();
        for (Operation operation : Operation.values()) {
            names.add(operation.wireName());
        }
        return Collections.unmodifiableSet(names);
    }

    /**
     * Creates the driver from the parameters that the host sent. The values may be secrets, so an
     * implementation must not log them.
     *
     * @throws io.storagedriver.InvalidParametersException when a parameter is missing or
     *     invalid; the message names the parameter and states what is wrong with it. The server
     *     logs the message and sends it to the host, so it must not contain a secret value.
     */
    StorageDriver create(Map<String, String> parameters);
}

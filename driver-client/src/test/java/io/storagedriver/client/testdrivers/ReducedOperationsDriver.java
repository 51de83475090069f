package io.storagedriver.client.testdrivers;

import io.storagedriver.StorageDriver;
import io.storagedriver.drivers.InMemoryDriver;
import io.storagedriver.internal.wire.Operation;
import io.storagedriver.sdk.DriverFactory;
import io.storagedriver.sdk.DriverServer;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * An in-memory driver that announces every operation except those in {@link #LEFT_OUT}, so that
 * a host must fail calls to them without sending a request.
 */
public final class ReducedOperationsDriver {
    /** The name the handshake sends. */
    public static final String NAME = "reduced";

    /** The operations missing from the handshake's list. */
    public static final Set<String> LEFT_OUT = Set.of("Walk", "Writer", "RedirectURL");

    private ReducedOperationsDriver() {}

    public static void main(String[] args) {
        DriverServer.serve(new DriverFactory() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public Set<String> operations() {
                Set<String> offered = new LinkedHashSet<>();
                for (Operation operation : Operation.values()) {
                    if (!LEFT_OUT.contains(operation.wireName())) {
                        offered.add(operation.wireName());
                    }
                }
                return offered;
            }

            @Override
            public StorageDriver create(Map<String, String> parameters) {
                return new InMemoryDriver();
            }
        });
    }
}

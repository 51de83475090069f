package io.storagedriver.junit.testdrivers;

import io.storagedriver.StorageDriver;
import io.storagedriver.drivers.InMemoryDriver;
import io.storagedriver.sdk.DriverFactory;
import io.storagedriver.sdk.DriverServer;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Serves an in-memory store wrapped by a test driver. */
final class TestDrivers {
    private TestDrivers() {}

    /** Serves {@code wrapper} applied to a new {@link InMemoryDriver}; does not return. */
    static void serve(String name, UnaryOperator<StorageDriver> wrapper) {
        DriverServer.serve(new DriverFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public StorageDriver create(Map<String, String> parameters) {
                return wrapper.apply(new InMemoryDriver());
            }
        });
    }
}

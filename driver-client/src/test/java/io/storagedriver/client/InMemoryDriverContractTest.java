package io.storagedriver.client;

/** The operations contract against the bundled in-memory driver, launched as a child JVM. */
class InMemoryDriverContractTest extends DriverContract {
    @Override
    DriverOptions.Builder options() {
        return TestDriverOptions.inMemory();
    }
}

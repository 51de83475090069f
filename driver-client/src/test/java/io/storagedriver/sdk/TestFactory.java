package io.storagedriver.sdk;

import io.storagedriver.StorageDriver;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/** A factory that records what it received and creates the driver a test chose. */
final class TestFactory implements DriverFactory {
    final AtomicInteger creations = new AtomicInteger();
    final AtomicReference<Map<String, String>> parameters = new AtomicReference<>();
    private final Function<Map<String, String>, StorageDriver> creator;
    private final Set<String> operations;

    TestFactory(Function<Map<String, String>, StorageDriver> creator, Set<String> operations) {
        this.creator = creator;
        this.operations = operations;
    }

    static TestFactory of(StorageDriver driver) {
        return new TestFactory(parameters -> driver, null);
    }

    @Override
    public String name() {
        return "scripted";
    }

    @Override
    public Set<String> operations() {
        return operations == null ? DriverFactory.super.operations() : operations;
    }

    @Override
    public StorageDriver create(Map<String, String> parameters) {
        creations.incrementAndGet();
        this.parameters.set(parameters);
        return creator.apply(parameters);
    }
}

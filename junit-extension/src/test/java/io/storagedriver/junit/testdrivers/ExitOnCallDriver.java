package io.storagedriver.junit.testdrivers;

import io.storagedriver.InvalidParametersException;
import io.storagedriver.StorageDriver;
import io.storagedriver.drivers.InMemoryDriver;
import io.storagedriver.sdk.DriverFactory;
import io.storagedriver.sdk.DriverServer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory driver that halts its process with exit status {@link #EXIT_STATUS} on call number
 * {@code exitoncall} (a driver parameter, counting from 1), as a driver that crashes partway
 * through a run. Every storage operation counts as a call.
 */
public final class ExitOnCallDriver {
    /** The exit status of the halt. */
    public static final int EXIT_STATUS = 23;

    /** The driver's name in its handshake. */
    public static final String NAME = "exit-on-call";

    /** The parameter that gives the number of the call that halts the process. */
    public static final String EXIT_ON_CALL = "exitoncall";

    /** Methods that describe the driver instead of calling it, so they do not count. */
    private static final Set<String> NOT_COUNTED = Set.of("name", "apiVersion");

    private ExitOnCallDriver() {}

    public static void main(String[] args) {
        DriverServer.serve(new DriverFactory() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public StorageDriver create(Map<String, String> parameters) {
                return exitingOn(exitOnCall(parameters), new InMemoryDriver());
            }
        });
    }

    private static int exitOnCall(Map<String, String> parameters) {
        try {
            return Integer.parseInt(parameters.getOrDefault(EXIT_ON_CALL, ""));
        } catch (NumberFormatException e) {
            throw new InvalidParametersException(NAME, "set the parameter " + EXIT_ON_CALL
                    + " to the number of the call that ends the process");
        }
    }

    private static StorageDriver exitingOn(int exitOnCall, StorageDriver driver) {
        AtomicInteger calls = new AtomicInteger();
        return (StorageDriver) Proxy.newProxyInstance(ExitOnCallDriver.class.getClassLoader(),
                new Class<?>[] {StorageDriver.class}, (proxy, method, arguments) -> {
                    boolean counted = method.getDeclaringClass() == StorageDriver.class
                            && !NOT_COUNTED.contains(method.getName());
                    if (counted && calls.incrementAndGet() == exitOnCall) {
                        System.err.println(NAME + " driver exits on call " + exitOnCall + ", "
                                + method.getName());
                        System.err.flush();
                        Runtime.getRuntime().halt(EXIT_STATUS);
                    }
                    try {
                        return method.invoke(driver, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}

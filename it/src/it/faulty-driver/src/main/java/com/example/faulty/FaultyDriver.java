package com.example.faulty;

import io.storagedriver.StorageDriver;
import io.storagedriver.drivers.InMemoryDriver;
import io.storagedriver.sdk.DriverFactory;
import io.storagedriver.sdk.DriverServer;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The bundled in-memory driver with two bugs: {@code getContent} drops the last byte of every
 * non-empty file, and {@code list} leaves out the last child of every directory.
 */
public final class FaultyDriver {
    private FaultyDriver() {}

    public static void main(String[] args) {
        DriverServer.serve(new DriverFactory() {
            @Override
            public String name() {
                return "faulty";
            }

            @Override
            public StorageDriver create(Map<String, String> parameters) {
                return faulty(new InMemoryDriver());
            }
        });
    }

    private static StorageDriver faulty(StorageDriver driver) {
        return (StorageDriver) Proxy.newProxyInstance(FaultyDriver.class.getClassLoader(),
                new Class<?>[] {StorageDriver.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(driver, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("getContent")) {
                        byte[] content = (byte[]) result;
                        return content.length == 0 ? content
                                : Arrays.copyOf(content, content.length - 1);
                    }
                    if (method.getName().equals("list")) {
                        List<?> children = (List<?>) result;
                        return children.isEmpty() ? children
                                : children.subList(0, children.size() - 1);
                    }
                    return result;
                });
    }
}

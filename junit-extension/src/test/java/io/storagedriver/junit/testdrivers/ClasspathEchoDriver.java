package io.storagedriver.junit.testdrivers;

import java.nio.charset.StandardCharsets;

/**
 * An in-memory driver that starts with one file, {@link #CLASSPATH_FILE}, whose content is the
 * {@code java.class.path} of the driver's JVM.
 */
public final class ClasspathEchoDriver {
    /** The path of the file that contains the class path. */
    public static final String CLASSPATH_FILE = "/java.class.path";

    private ClasspathEchoDriver() {}

    public static void main(String[] args) {
        byte[] classpath = System.getProperty("java.class.path").getBytes(StandardCharsets.UTF_8);
        TestDrivers.serve("classpath-echo", driver -> {
            driver.putContent(CLASSPATH_FILE, classpath);
            return driver;
        });
    }
}

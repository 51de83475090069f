package io.storagedriver.client;

import java.nio.file.Path;
import java.util.List;

/** Launch options for the bundled drivers and the test drivers, as child JVMs on this classpath. */
final class TestDriverOptions {
    /**
     * A JVM option that makes the SDK log each call it receives at debug level, as {@code call
     * stream=<id> op=<operation>}, so a test can see which streams reached the driver.
     */
    static final String LOG_CALLS =
            "-Dorg.slf4j.simpleLogger.log.io.storagedriver.sdk.CallHandler=debug";

    /**
     * JVM options that start a driver sooner at the cost of peak speed, for tests that start
     * many drivers and move little data.
     */
    static final List<String> QUICK_START = List.of("-XX:TieredStopAtLevel=1");

    private TestDriverOptions() {}

    static DriverOptions.Builder inMemory() {
        return DriverOptions.mainClass(BundledDrivers.IN_MEMORY_CLASS, List.of());
    }

    static DriverOptions.Builder filesystem(Path root) {
        return DriverOptions.mainClass(BundledDrivers.FILESYSTEM_CLASS, List.of())
                .parameter("rootdirectory", root.toString());
    }

    /** Chooses a driver main class from the test sources. */
    static DriverOptions.Builder testDriver(Class<?> mainClass) {
        return DriverOptions.mainClass(mainClass.getName(), List.of());
    }
}

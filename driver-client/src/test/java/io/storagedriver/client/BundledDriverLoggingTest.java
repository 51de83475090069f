package io.storagedriver.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log of a bundled driver: written by the driver's own SLF4J provider to standard error
 * without any warning of SLF4J, at the level that the driver's JVM options set.
 */
@Timeout(60)
class BundledDriverLoggingTest {
    /** How long the driver's output may take to reach the host; a guard against hangs. */
    private static final Duration OUTPUT_GUARD = Duration.ofSeconds(10);

    @TempDir
    Path directory;

    /** Runs a bundled driver with {@code jvmOptions}, makes a stat call and returns its output. */
    private static List<String> outputOfRun(List<String> jvmOptions, String awaitedLine)
            throws InterruptedException {
        return outputOfRun(DriverOptions.name("inmemory"), jvmOptions, awaitedLine);
    }

    /** Runs the driver that {@code builder} names, as {@link #outputOfRun(List, String)} does. */
    private static List<String> outputOfRun(DriverOptions.Builder builder,
            List<String> jvmOptions, String awaitedLine) throws InterruptedException {
        List<String> output = new CopyOnWriteArrayList<>();
        DriverOptions options = builder
                .jvmOptions(jvmOptions)
                .outputListener((stream, line) -> output.add(stream + " " + line))
                .build();
        try (DriverClient client = DriverClient.start(options)) {
            client.stat("/");
            long deadline = System.nanoTime() + OUTPUT_GUARD.toNanos();
            while (output.stream().noneMatch(line -> line.contains(awaitedLine))
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        return output;
    }

    @Test
    void bundledDriverLogsWithoutSlf4jWarning() throws InterruptedException {
        List<String> output = outputOfRun(List.of(), "driver configured");

        assertTrue(output.contains("STDERR INFO io.storagedriver.sdk.Handshake - driver "
                + "configured name=inmemory parameters=[]"),
                "the driver logs its configuration at info; output: " + output);
        assertTrue(output.stream().noneMatch(line -> line.contains("SLF4J")),
                "the driver's output has no SLF4J warning: " + output);
        assertTrue(output.stream().noneMatch(line -> line.startsWith("STDERR DEBUG")),
                "the driver logs nothing below info by default: " + output);
    }

    @Test
    void unknownParametersAreNamedWithoutValues() throws InterruptedException {
        List<String> output = outputOfRun(DriverOptions.name("inmemory")
                .parameter("rootdirectory", "/secret-value"), List.of(), "unknown parameters");

        assertTrue(output.contains("STDERR WARN io.storagedriver.drivers.InMemoryDriver - "
                + "ignoring unknown parameters: rootdirectory; this driver takes no parameters"),
                "the driver warns about the parameter it ignores; output: " + output);
        assertTrue(output.stream().noneMatch(line -> line.contains("secret-value")),
                "the driver's output shows no parameter value: " + output);
    }

    @Test
    void logLevelOptionEnablesDebug() throws InterruptedException {
        List<String> output = outputOfRun(List.of("-Dstoragedriver.logLevel=debug"),
                "op=Stat");

        assertTrue(output.stream().anyMatch(line -> line.startsWith(
                "STDERR DEBUG io.storagedriver.sdk.CallHandler - call stream=")
                && line.endsWith(" op=Stat")),
                "the driver logs the call at debug; output: " + output);
    }

    @Test
    void slf4jApiFoundInRepositoryOfLibrary() throws IOException {
        Path repository = directory.resolve("repository");
        Path library = Files.createDirectories(
                repository.resolve("io/storagedriver/driver-client/1.0"))
                .resolve("driver-client-1.0.jar");
        Files.createFile(library);
        Path slf4j = Files.createDirectories(repository.resolve("org/slf4j/slf4j-api/2.0.17"))
                .resolve("slf4j-api-2.0.17.jar");
        Files.createFile(slf4j);

        assertEquals(Optional.of(slf4j), BundledDrivers.slf4jApiBeside(library, "2.0.17"),
                "slf4j-api of the built version");
        assertEquals(Optional.empty(), BundledDrivers.slf4jApiBeside(library, "2.0.16"),
                "slf4j-api of a version that the repository lacks");
        assertEquals(Optional.empty(), BundledDrivers.slf4jApiBeside(library, ""),
                "slf4j-api of an unknown version");
    }

    @Test
    void slf4jApiNeedsRepositoryLayout() throws IOException {
        Path library = Files.createDirectories(directory.resolve("target"))
                .resolve("driver-client-1.0.jar");
        Files.createFile(library);

        assertEquals(Optional.empty(), BundledDrivers.slf4jApiBeside(library, "2.0.17"),
                "slf4j-api beside a jar outside a Maven repository");
    }

    @Test
    void builtSlf4jVersionIsRecorded() {
        assertTrue(BundledDrivers.builtSlf4jVersion().matches("2\\.\\d+\\.\\d+"),
                "recorded slf4j-api version: " + BundledDrivers.builtSlf4jVersion());
    }
}

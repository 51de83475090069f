package io.storagedriver.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storagedriver.DriverStartException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DriverOptions.Builder#jvmOptions}: applied to the Java drivers, and rejected with an
 * actionable message for an executable driver, which the host starts as it is.
 */
@Timeout(60)
class JvmOptionsTest {
    /** The first line that {@code java -showversion} writes to standard error. */
    private static final Pattern JAVA_VERSION_LINE =
            Pattern.compile("(openjdk|java) version \"[^\"]+\"");

    /** How long the driver's output may take to reach the host; a guard against hangs. */
    private static final Duration OUTPUT_GUARD = Duration.ofSeconds(10);

    private static final List<String> OPTIONS = List.of("-Xmx64m", "-Dtoken=secret-value");

    @TempDir
    Path directory;

    private static void assertMessageContains(String expected, Throwable e) {
        assertTrue(e.getMessage().contains(expected),
                "message contains \"" + expected + "\", actual: " + e.getMessage());
    }

    private Path executable(String fileName) throws IOException {
        Path file = directory.resolve(fileName);
        Files.writeString(file, "#!/bin/sh\nexit 0\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    @Test
    void executableWithJvmOptionsIsRejected() throws IOException {
        Path file = executable("registry-storagedriver-script");
        DriverOptions.Builder builder = DriverOptions.executable(file).jvmOptions(OPTIONS);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                builder::build);

        assertMessageContains("the JVM options [-Xmx64m, -Dtoken=…] cannot apply to the driver "
                + "executable " + file + ", which the host starts as it is", e);
        assertMessageContains("Remove the JVM options, put them in the java command of the "
                + "driver's launcher script, or start a Java driver with "
                + "DriverOptions.mainClass", e);
        assertFalse(e.getMessage().contains("secret-value"),
                "the message leaves out option values: " + e.getMessage());
    }

    @Test
    void executableWithoutJvmOptionsIsAccepted() throws IOException {
        Path file = executable("registry-storagedriver-script");

        DriverOptions options = DriverOptions.executable(file).jvmOptions(List.of()).build();

        assertEquals(List.of(), options.jvmOptions(), "JVM options");
    }

    @Test
    void nameLeadingToExecutableRejectsJvmOptions() throws IOException {
        Path file = executable("registry-storagedriver-script");
        DriverOptions options = DriverOptions.name("script")
                .driversDirectory(directory)
                .jvmOptions(OPTIONS)
                .build();

        DriverStartException e = assertThrows(DriverStartException.class,
                () -> DriverClient.start(options));

        assertEquals("script", e.driverName(), "driver name of the exception");
        assertMessageContains("the JVM options [-Xmx64m, -Dtoken=…] cannot apply to driver "
                + "script: its name led to the executable " + file + ", which the host starts "
                + "as it is", e);
        assertMessageContains("put them in the java command of that executable's launcher "
                + "script, or start a Java driver with DriverOptions.mainClass", e);
        assertFalse(e.getMessage().contains("secret-value"),
                "the message leaves out option values: " + e.getMessage());
    }

    @Test
    void bundledDriverGetsJvmOptions() throws InterruptedException {
        List<String> output = new CopyOnWriteArrayList<>();
        DriverOptions options = DriverOptions.name("inmemory")
                .jvmOptions(List.of("-showversion"))
                .outputListener((stream, line) -> output.add(line))
                .build();

        try (DriverClient client = DriverClient.start(options)) {
            long deadline = System.nanoTime() + OUTPUT_GUARD.toNanos();
            while (output.stream().noneMatch(line -> JAVA_VERSION_LINE.matcher(line).find())
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }

            assertTrue(output.stream().anyMatch(line -> JAVA_VERSION_LINE.matcher(line).find()),
                    "the driver's JVM ran with -showversion; its output: " + output);
            assertEquals("inmemory", client.name(), "name of the started driver");
        }
    }
}

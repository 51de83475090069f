package io.storagedriver.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storagedriver.InvalidParametersException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Driver parameters travel only over the socket: a secret parameter of the filesystem driver
 * must not appear in the child's argv or environment, in its standard error, or in the host's
 * log. The host's log is captured by replacing {@link System#err}, which the SLF4J simple
 * binding of the test classpath writes to.
 */
@Timeout(60)
class SecretParametersTest {
    private static final String SECRET = "secret-" + UUID.randomUUID();

    @TempDir
    Path directory;

    private PrintStream originalErr;
    private ByteArrayOutputStream captured;

    @BeforeEach
    void captureStandardError() {
        originalErr = System.err;
        captured = new ByteArrayOutputStream();
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                synchronized (captured) {
                    captured.write(bytes, offset, length);
                }
                originalErr.write(bytes, offset, length);
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStandardError() {
        System.setErr(originalErr);
    }

    private String capturedLog() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    private static String procFile(long pid, String name) throws IOException {
        byte[] bytes = Files.readAllBytes(Path.of("/proc", Long.toString(pid), name));
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    @Test
    void secretIsAbsentFromArgvEnvironmentAndLogs() throws Exception {
        DriverOptions options = TestDriverOptions.filesystem(directory.resolve("root"))
                .parameter("token", SECRET)
                .build();
        String commandLine;
        String environment;
        String stderrTail;
        try (DriverClient client = DriverClient.start(options)) {
            client.putContent("/file", new byte[] {1, 2, 3});
            assertArrayEquals(new byte[] {1, 2, 3}, client.getContent("/file"), "content");
            commandLine = procFile(client.pid(), "cmdline");
            environment = procFile(client.pid(), "environ");
            DriverLogs.awaitLine(client, "driver configured");
            stderrTail = String.join("\n", client.stderrTail());
        }

        assertTrue(commandLine.contains(BundledDrivers.FILESYSTEM_CLASS),
                "argv names the driver's main class, actual: " + commandLine);
        assertFalse(commandLine.contains(SECRET), "argv contains the secret: " + commandLine);
        assertFalse(commandLine.contains("token"), "argv names the parameter: " + commandLine);
        assertFalse(environment.contains(SECRET), "environment contains the secret");
        assertTrue(stderrTail.contains("token"),
                "the driver's log names the parameter token, actual: " + stderrTail);
        assertFalse(stderrTail.contains(SECRET), "driver stderr contains the secret: "
                + stderrTail);
        String log = capturedLog();
        assertTrue(log.contains("driver started name=filesystem"),
                "the captured host log shows the start, actual: " + log);
        assertTrue(log.contains("token"),
                "the captured host log carries the driver's lines, actual: " + log);
        assertFalse(log.contains(SECRET), "host log contains the secret: " + log);
        assertFalse(options.toString().contains(SECRET), "options text contains the secret: "
                + options);
    }

    @Test
    void secretIsAbsentFromRejectedParametersError() throws IOException {
        Path notADirectory = Files.writeString(directory.resolve("file"), "x");
        DriverOptions options = TestDriverOptions.filesystem(notADirectory)
                .parameter("token", SECRET)
                .build();

        InvalidParametersException e = assertThrows(InvalidParametersException.class,
                () -> DriverClient.start(options).close());

        assertTrue(e.getMessage().contains("rootdirectory"),
                "message names the parameter rootdirectory, actual: " + e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), "message contains the secret: "
                + e.getMessage());
        String log = capturedLog();
        assertTrue(log.contains("driver started name=filesystem"),
                "the captured host log shows the start, actual: " + log);
        assertFalse(log.contains(SECRET), "host log contains the secret: " + log);
    }
}

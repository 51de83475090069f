package io.storagedriver.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storagedriver.DriverExitedException;
import io.storagedriver.InvalidParametersException;
import io.storagedriver.StorageDriverException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A secret parameter stays secret on the error paths of a failing driver: it is absent from the
 * child's argv and environment, from the exception and the driver's standard error tail, and
 * from the host's log, which is captured by replacing {@link System#err}, where the SLF4J simple
 * binding of the test classpath writes.
 */
@Timeout(60)
class FaultSecretsTest {
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

    private void assertSecretAbsent(StorageDriverException e) {
        assertFalse(e.getMessage().contains(SECRET), "exception message contains the secret: "
                + e.getMessage());
        String log = capturedLog();
        assertTrue(log.contains("driver started name=fault-"),
                "the captured host log shows the start, actual: " + log);
        assertFalse(log.contains(SECRET), "host log contains the secret: " + log);
    }

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({
        "exit-mid-stream, GetContent, io.storagedriver.DriverExitedException",
        "exit-on-call, Stat, io.storagedriver.DriverExitedException",
        "bad-version, Stat, io.storagedriver.DriverProtocolException",
        "invalid-json, Stat, io.storagedriver.DriverProtocolException",
        "hang, Stat, io.storagedriver.DriverTimeoutException",
        "close-socket, Stat, io.storagedriver.DriverExitedException",
    })
    void secretIsAbsentOnFaultPaths(String fault, String op, Class<?> expectedType)
            throws Exception {
        DriverOptions options = FaultDriver.options(directory, fault,
                        Map.of("op", op, "token", SECRET))
                .callTimeout(Duration.ofSeconds(2))
                .build();
        StorageDriverException e;
        String commandLine;
        String environment;
        try (DriverClient client = DriverClient.start(options)) {
            commandLine = procFile(client.pid(), "cmdline");
            environment = procFile(client.pid(), "environ");
            DriverLogs.awaitLine(client, "configured with fault " + fault);
            e = assertThrows(StorageDriverException.class, () -> {
                if (op.equals("GetContent")) {
                    client.getContent("/data/1000000");
                } else {
                    client.stat("/x");
                }
            });
            String tail = String.join("\n", client.stderrTail());
            assertTrue(tail.contains("parameters fault, op, token"),
                    "the driver's log names the parameter token, actual: " + tail);
            assertFalse(tail.contains(SECRET), "driver stderr contains the secret: " + tail);
        }

        assertTrue(expectedType.isInstance(e), "expected " + expectedType.getSimpleName()
                + ", actual " + e);
        assertTrue(commandLine.contains("faultdriver.py"),
                "argv names the driver script, actual: " + commandLine);
        assertFalse(commandLine.contains(SECRET), "argv contains the secret: " + commandLine);
        assertFalse(commandLine.contains("token"), "argv names the parameter: " + commandLine);
        assertFalse(environment.contains(SECRET), "environment contains the secret");
        assertSecretAbsent(e);
        if (e instanceof DriverExitedException exited) {
            assertFalse(String.join("\n", exited.stderrTail()).contains(SECRET),
                    "stderr tail of the exception contains the secret");
        }
        assertFalse(options.toString().contains(SECRET), "options text contains the secret: "
                + options);
    }

    @Test
    void secretIsAbsentFromRejection() throws IOException {
        DriverOptions options = FaultDriver.options(directory, "reject-parameters",
                Map.of("token", SECRET)).build();

        InvalidParametersException e = assertThrows(InvalidParametersException.class,
                () -> DriverClient.start(options).close());

        assertTrue(e.getMessage().contains("rejects its parameters fault, token"),
                "message names the parameters, actual: " + e.getMessage());
        assertSecretAbsent(e);
    }
}

package io.storagedriver.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storagedriver.IncompatibleVersionException;
import io.storagedriver.client.testdrivers.VersionClaimingDriver;
import io.storagedriver.internal.wire.Versions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The version rule of the handshake, against a driver process that announces chosen versions and
 * records what the host sent it. An incompatible driver is rejected with a message that names
 * both versions and the side to upgrade, and it never receives its parameters.
 */
@Timeout(60)
class VersionMismatchTest {
    private static final String SECRET = "secret-" + UUID.randomUUID();

    @TempDir
    Path directory;

    private Path record;

    private DriverOptions options(String protocolVersion, String apiVersion,
            String... extraJvmOptions) {
        record = directory.resolve("record-" + UUID.randomUUID() + ".txt");
        List<String> jvmOptions = new ArrayList<>(List.of(
                "-D" + VersionClaimingDriver.RECORD_PROPERTY + "=" + record,
                "-D" + VersionClaimingDriver.PROTOCOL_VERSION_PROPERTY + "=" + protocolVersion,
                "-D" + VersionClaimingDriver.API_VERSION_PROPERTY + "=" + apiVersion));
        jvmOptions.addAll(List.of(extraJvmOptions));
        return TestDriverOptions.testDriver(VersionClaimingDriver.class)
                .parameter("token", SECRET)
                .jvmOptions(jvmOptions)
                .build();
    }

    /** Returns the recorded lines; the driver has exited once start or close returned. */
    private List<String> recordedLines() throws IOException {
        assertTrue(Files.exists(record), "the driver wrote no record to " + record);
        return Files.readAllLines(record, StandardCharsets.UTF_8);
    }

    private static List<String> linesStartingWith(List<String> lines, String prefix) {
        return lines.stream().filter(line -> line.startsWith(prefix)).toList();
    }

    @ParameterizedTest(name = "driver protocol {0}, API {1}")
    @CsvSource({
        "1.0, 2.0, storage API, 2.0, upgrade the client",
        "1.0, 1.9, storage API, 1.9, upgrade the client",
        "1.0, 0.9, storage API, 0.9, upgrade the driver",
        "2.0, 1.0, protocol, 2.0, upgrade the client",
    })
    void incompatibleDriverIsRejectedWithoutParameters(String protocolVersion, String apiVersion,
            String kind, String rejectedVersion, String advice) throws IOException {
        IncompatibleVersionException e = assertThrows(IncompatibleVersionException.class,
                () -> DriverClient.start(options(protocolVersion, apiVersion)).close());

        assertEquals("1.0", e.clientVersion(), "clientVersion of the exception");
        assertEquals(rejectedVersion, e.driverVersion(), "driverVersion of the exception");
        String message = e.getMessage();
        assertTrue(message.contains(kind + " version " + rejectedVersion),
                "message names the driver's " + kind + " version " + rejectedVersion
                        + ", actual: " + message);
        assertTrue(message.contains("client's 1.0"),
                "message names the client's version 1.0, actual: " + message);
        assertTrue(message.contains(advice), "message says to " + advice + ", actual: "
                + message);
        assertTrue(message.contains("parameters were not sent"),
                "message says the parameters were not sent, actual: " + message);
        assertFalse(message.contains(SECRET), "message contains the secret: " + message);

        List<String> lines = recordedLines();
        List<String> configures = linesStartingWith(lines, "configure");
        assertEquals(1, configures.size(), "Configure messages recorded: " + lines);
        assertTrue(configures.get(0).contains("accept=false parameters=absent"),
                "Configure rejects and carries no parameters, actual: " + configures.get(0));
        assertTrue(configures.get(0).contains(rejectedVersion),
                "the rejection's reason names " + rejectedVersion + ", actual: "
                        + configures.get(0));
        assertEquals(List.of(), linesStartingWith(lines, "stream opened"),
                "streams opened after the rejection");
    }

    @Test
    void compatibleDriverReceivesParameters() throws IOException {
        try (DriverClient client = DriverClient.start(options("1.0", "1.0"))) {
            assertEquals("1.0", client.apiVersion(), "apiVersion of the client");
        }

        List<String> configures = linesStartingWith(recordedLines(), "configure");
        assertEquals(List.of("configure op=Configure accept=true parameters=present[token] "
                + "reason="), configures, "Configure messages recorded");
    }

    @Test
    void driverRejectingClientIsIncompatible() throws IOException {
        IncompatibleVersionException e = assertThrows(IncompatibleVersionException.class,
                () -> DriverClient.start(options("1.0", "1.0",
                        "-D" + VersionClaimingDriver.REJECT_HOST_PROPERTY + "=true")).close());

        assertEquals("1.0", e.clientVersion(), "clientVersion of the exception");
        assertTrue(e.getMessage().contains("storage API 7.0"),
                "message carries the driver's reason, actual: " + e.getMessage());
        assertTrue(e.getMessage().contains("Upgrade the client"),
                "message says to upgrade the client, actual: " + e.getMessage());
        List<String> lines = recordedLines();
        assertEquals(List.of(), linesStartingWith(lines, "configure"),
                "Configure messages recorded: " + lines);
    }

    @Test
    void olderDriverMinorVersionIsCompatible() {
        assertEquals(Optional.empty(), Versions.incompatibility("storage API", "1.3", "1.1"),
                "driver 1.1 with client 1.3");
        assertEquals(Optional.empty(), Versions.incompatibility("storage API", "1.0", "1.0"),
                "driver 1.0 with client 1.0");
    }

    @Test
    void malformedDriverVersionIsIncompatible() {
        for (String malformed : List.of("", "1", "1.", ".1", "a.b", "1.0.0", "-1.0")) {
            Optional<String> problem =
                    Versions.incompatibility("storage API", "1.0", malformed);
            assertTrue(problem.isPresent(), "driver version \"" + malformed + "\" is accepted");
        }
    }
}

package io.storagedriver.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storagedriver.DriverStartException;
import io.storagedriver.IncompatibleVersionException;
import io.storagedriver.InvalidParametersException;
import io.storagedriver.StorageDriverException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A start that fails, in each way a driver or its executable can make it fail, raises the typed
 * exception with an actionable message and leaves no process, descriptor or thread behind. Each
 * case runs once to warm up and then {@value #ROUNDS} more times while the descriptors of this
 * JVM are counted.
 */
@Timeout(120)
class StartFailureTest {
    private static final int ROUNDS = 3;

    /** Descriptors the JVM may open for good meanwhile, such as jars of newly loaded classes. */
    private static final int DESCRIPTOR_SLACK = 2;

    private static final Duration START_TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    Path directory;

    /** One way to fail a start, with the exception's type and a part of its message. */
    enum Failure {
        EXIT_AT_START(DriverStartException.class, "exited before the handshake finished: exited "
                + "with status 4"),
        CRASH_IN_HANDSHAKE(DriverStartException.class, "exited before the handshake finished: "
                + "exited with status 3"),
        HANDSHAKE_TIMEOUT(DriverStartException.class, "did not finish its handshake within 2000 "
                + "ms"),
        HANDSHAKE_TIMEOUT_IGNORING_SOCKET_END_AND_SIGTERM(DriverStartException.class,
                "did not finish its handshake within 2000 ms"),
        NEWER_PROTOCOL(IncompatibleVersionException.class, "protocol version 2.0 of the driver "
                + "is a newer major version than the client's 1.0"),
        HOST_REJECTED(IncompatibleVersionException.class, "rejected this client's versions"),
        MALFORMED_ANSWER(DriverStartException.class, "sent a malformed handshake: message is "
                + "not valid JSON"),
        MALFORMED_FRAME(DriverStartException.class, "unsupported yamux version 1"),
        CONTROL_CHARACTERS_IN_NAME(DriverStartException.class, "sent an invalid name in its "
                + "handshake answer: fault\\u000a\\u001b[31mdriver; a name has 1 to 100 "
                + "characters and no control characters"),
        PARAMETERS_REJECTED(InvalidParametersException.class, "the fault driver rejects its "
                + "parameters fault, token"),
        EXECUTABLE_MISSING(DriverStartException.class, "does not exist (exists=false, "
                + "executable=false)"),
        EXECUTABLE_NOT_EXECUTABLE(DriverStartException.class, "is not executable");

        final Class<? extends StorageDriverException> type;
        final String message;

        Failure(Class<? extends StorageDriverException> type, String message) {
            this.type = type;
            this.message = message;
        }
    }

    private DriverOptions options(Failure failure) throws IOException {
        DriverOptions.Builder builder = switch (failure) {
            case EXIT_AT_START -> FaultDriver.handshakeFault(directory, "exit-at-start");
            case CRASH_IN_HANDSHAKE -> FaultDriver.handshakeFault(directory, "crash");
            case HANDSHAKE_TIMEOUT -> FaultDriver.handshakeFault(directory, "hang");
            case HANDSHAKE_TIMEOUT_IGNORING_SOCKET_END_AND_SIGTERM -> DriverOptions.executable(
                    FaultDriver.launcher(directory, "ignoring", "--handshake=hang-ignore-eof",
                            "--ignore-sigterm"))
                    .stopTimeout(Duration.ofSeconds(1));
            case NEWER_PROTOCOL -> FaultDriver.handshakeFault(directory, "incompatible");
            case HOST_REJECTED -> FaultDriver.handshakeFault(directory, "reject");
            case MALFORMED_ANSWER -> FaultDriver.handshakeFault(directory, "garbage");
            case MALFORMED_FRAME -> FaultDriver.handshakeFault(directory, "bad-frame");
            case CONTROL_CHARACTERS_IN_NAME -> FaultDriver.handshakeFault(directory,
                    "control-name");
            case PARAMETERS_REJECTED -> FaultDriver.options(directory, "reject-parameters",
                    Map.of());
            case EXECUTABLE_MISSING -> DriverOptions.executable(
                    directory.resolve("registry-storagedriver-missing"));
            case EXECUTABLE_NOT_EXECUTABLE -> DriverOptions.executable(Files.writeString(
                    directory.resolve("registry-storagedriver-plain-" + System.nanoTime()),
                    "#!/bin/sh\n"));
        };
        return builder.parameter("token", "value").startTimeout(START_TIMEOUT).build();
    }

    @ParameterizedTest
    @EnumSource(Failure.class)
    void failedStartLeavesNothingBehind(Failure failure) throws Exception {
        List<Long> childrenBefore = HostResources.liveChildren();
        failOnce(failure);
        int descriptorsBefore = HostResources.openDescriptors();

        for (int round = 0; round < ROUNDS; round++) {
            failOnce(failure);
        }

        int descriptorsAfter = HostResources.openDescriptors();
        assertTrue(descriptorsAfter <= descriptorsBefore + DESCRIPTOR_SLACK,
                "open descriptors after " + ROUNDS + " failed starts: expected at most "
                        + (descriptorsBefore + DESCRIPTOR_SLACK) + ", actual " + descriptorsAfter
                        + ": " + HostResources.describeDescriptors());
        List<Long> newChildren = new ArrayList<>(HostResources.liveChildren());
        newChildren.removeAll(childrenBefore);
        assertEquals(List.of(), newChildren, "child processes alive after failed starts");
    }

    @Test
    void silentHandshakeTimeoutMessage() throws Exception {
        Path silent = Files.writeString(directory.resolve("registry-storagedriver-silent"),
                "#!/bin/sh\nexec sleep 60\n");
        silent.toFile().setExecutable(true);
        DriverOptions options = DriverOptions.executable(silent).startTimeout(START_TIMEOUT)
                .build();

        DriverStartException e = assertThrows(DriverStartException.class,
                () -> DriverClient.start(options).close());

        assertMessage("driver silent \\(executable \\S+, pid \\d+\\) did not finish its"
                + " handshake within 2000 ms and wrote nothing to its standard error\\. Check"
                + " that it serves the storage driver protocol on fd 3, or raise the start"
                + " timeout\\.", e);
    }

    @Test
    void handshakeTimeoutMessageEndsWithStandardError() throws Exception {
        DriverOptions options = options(Failure.HANDSHAKE_TIMEOUT);

        DriverStartException e = assertThrows(DriverStartException.class,
                () -> DriverClient.start(options).close());

        assertMessage("driver \\S+ \\(executable \\S+, pid \\d+\\) did not finish its handshake"
                + " within 2000 ms\\. Check that it serves the storage driver protocol on fd 3, or"
                + " raise the start timeout\\. Last lines of its standard error:\n"
                + "  faultdriver: holding the handshake, as --handshake=hang asks", e);
    }

    /**
     * Checks the whole message against {@code regex}, and that it contains the message of each
     * cause, because tools that print a failure add each cause's message that it lacks.
     */
    private static void assertMessage(String regex, Throwable e) {
        String message = e.getMessage();
        assertTrue(Pattern.compile(regex).matcher(message).matches(), "message: " + message);
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            assertNotNull(cause.getMessage(), "message of cause " + cause);
            assertTrue(message.contains(cause.getMessage()),
                    "cause " + cause + " adds to message: " + message);
        }
    }

    private void failOnce(Failure failure) throws Exception {
        DriverOptions options = options(failure);
        String driverName = FaultDriver.driverName(options.executable().orElseThrow());

        StorageDriverException e = assertThrows(StorageDriverException.class,
                () -> DriverClient.start(options).close());

        assertTrue(failure.type.isInstance(e), "expected " + failure.type.getSimpleName()
                + ", actual " + e);
        assertTrue(e.getMessage().contains(failure.message), "message contains \""
                + failure.message + "\", actual: " + e.getMessage());
        assertEquals(List.of(), HostResources.awaitNoClientThreads(driverName),
                "threads of the client of " + driverName + " alive after the failed start");
    }
}

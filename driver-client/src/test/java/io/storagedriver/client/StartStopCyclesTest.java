package io.storagedriver.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storagedriver.DriverExitedException;
import io.storagedriver.DriverStartException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@value #CYCLES} starts and stops of the fault driver, half of them with a driver that
 * crashes: during the handshake, or during a call after a successful start. Afterwards no
 * descriptor, thread or child process of those drivers is left.
 */
class StartStopCyclesTest {
    private static final int CYCLES = 1000;

    /**
     * Descriptors the JVM may open for good during the cycles, such as jars that classes are
     * loaded from for the first time.
     */
    private static final int DESCRIPTOR_SLACK = 4;

    @TempDir
    Path directory;

    @Test
    @Timeout(600)
    void cyclesWithCrashesLeaveNothingBehind() throws Exception {
        DriverOptions healthy = DriverOptions.executable(
                FaultDriver.launcher(directory, "cycle-healthy")).build();
        DriverOptions crashInCall = DriverOptions.executable(
                        FaultDriver.launcher(directory, "cycle-crash-in-call"))
                .parameters(Map.of("fault", "exit-on-call", "exitcode", "5"))
                .build();
        DriverOptions crashInHandshake = DriverOptions.executable(FaultDriver.launcher(
                directory, "cycle-crash-in-handshake", "--handshake=crash")).build();
        List<String> driverNames = List.of(healthy, crashInCall, crashInHandshake).stream()
                .map(options -> FaultDriver.driverName(options.executable().orElseThrow()))
                .toList();
        runHealthy(healthy);
        runCrashInCall(crashInCall);
        runCrashInHandshake(crashInHandshake);
        int descriptorsBefore = HostResources.openDescriptors();
        List<Long> childrenBefore = HostResources.liveChildren();

        List<Long> pids = new ArrayList<>();
        long started = System.nanoTime();
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            if (cycle % 2 == 0) {
                pids.add(runHealthy(healthy));
            } else if (cycle % 4 == 1) {
                pids.add(runCrashInCall(crashInCall));
            } else {
                runCrashInHandshake(crashInHandshake);
            }
        }
        System.out.printf("%d start and stop cycles took %d ms%n", CYCLES,
                Duration.ofNanos(System.nanoTime() - started).toMillis());

        int descriptorsAfter = HostResources.openDescriptors();
        assertTrue(descriptorsAfter <= descriptorsBefore + DESCRIPTOR_SLACK,
                "open descriptors after " + CYCLES + " cycles: expected at most "
                        + (descriptorsBefore + DESCRIPTOR_SLACK) + ", actual " + descriptorsAfter
                        + ": " + HostResources.describeDescriptors());
        List<Long> alive = pids.stream().filter(HostResources::isAlive).toList();
        assertEquals(List.of(), alive, "driver processes alive after the cycles");
        List<Long> newChildren = new ArrayList<>(HostResources.liveChildren());
        newChildren.removeAll(childrenBefore);
        assertEquals(List.of(), newChildren, "child processes alive after the cycles");
        for (String driverName : driverNames) {
            assertEquals(List.of(), HostResources.awaitNoClientThreads(driverName),
                    "threads of the clients of " + driverName + " alive after the cycles");
        }
    }

    /** Starts a healthy driver, makes two calls, stops it and returns its pid. */
    private static long runHealthy(DriverOptions options) {
        try (DriverClient client = DriverClient.start(options)) {
            client.putContent("/file", new byte[] {1, 2, 3});
            assertArrayEquals(new byte[] {1, 2, 3}, client.getContent("/file"), "content");
            return client.pid();
        }
    }

    /** Starts a driver that exits during a stat, checks the failure and returns its pid. */
    private static long runCrashInCall(DriverOptions options) {
        try (DriverClient client = DriverClient.start(options)) {
            DriverExitedException e = assertThrows(DriverExitedException.class,
                    () -> client.stat("/file"));
            assertEquals(5, e.exitCode().orElse(-1), "exit code, message: " + e.getMessage());
            return client.pid();
        }
    }

    private static void runCrashInHandshake(DriverOptions options) {
        DriverStartException e = assertThrows(DriverStartException.class,
                () -> DriverClient.start(options).close());
        assertTrue(e.getMessage().contains("exited before the handshake finished"),
                "message of the failed start: " + e.getMessage());
    }
}

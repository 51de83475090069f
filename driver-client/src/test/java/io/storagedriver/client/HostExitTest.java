package io.storagedriver.client;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end of the host JVM ends its drivers. A host killed with SIGKILL runs no code, so its
 * driver exits because its socket ends. A host stopped with SIGINT runs its shutdown hook, which
 * kills even a driver that ignores the end of its socket and SIGTERM. The host runs in a JVM of
 * its own, {@link HostExitProbe}.
 */
@Timeout(120)
class HostExitTest {
    /** A guard against a driver that never exits, not a measure of how fast it does. */
    private static final Duration EXIT_GUARD = Duration.ofSeconds(30);

    /**
     * Restores the default action of SIGINT and then executes the rest of argv, so that the host
     * JVM installs its SIGINT handler even when the test runs as a background job, which starts
     * with SIGINT ignored.
     */
    private static final String DEFAULT_SIGINT = "import os, signal, sys; "
            + "signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])";

    @TempDir
    Path directory;

    private Process startHost(String kind, Path log) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(List.of(FaultDriver.python(), "-c", DEFAULT_SIGINT,
                java.toString(), "-Xmx64m",
                "-D" + FaultDriver.PYTHON_PROPERTY + "=" + FaultDriver.python(),
                "-Dbasedir=" + System.getProperty("basedir", Path.of("").toAbsolutePath()
                        .toString()),
                "-cp", System.getProperty("java.class.path"),
                HostExitProbe.class.getName(), kind, directory.toString()))
                .redirectError(log.toFile())
                .start();
    }

    /** Reads the driver's pid that the host prints. */
    private static long driverPid(Process host, Path log) throws IOException {
        BufferedReader output = new BufferedReader(
                new InputStreamReader(host.getInputStream(), StandardCharsets.US_ASCII));
        String line = String.valueOf(output.readLine());
        assertTrue(line.startsWith(HostExitProbe.PID_PREFIX), "host output: " + line
                + ", host log: " + Files.readString(log));
        return Long.parseLong(line.substring(HostExitProbe.PID_PREFIX.length()).trim());
    }

    @Test
    void killedHostLeavesNoDriverRunning() throws Exception {
        Path log = directory.resolve("host.log");
        Process host = startHost("healthy", log);
        long driverPid = -1;
        try {
            driverPid = driverPid(host, log);
            assertTrue(HostResources.isRunning(driverPid), "driver " + driverPid + " runs");

            host.destroyForcibly();
            assertTrue(host.waitFor(EXIT_GUARD.toSeconds(), TimeUnit.SECONDS),
                    "the host did not exit after SIGKILL");

            assertTrue(awaitStopped(driverPid), "driver " + driverPid + " still runs after its "
                    + "host was killed; host log: " + Files.readString(log));
        } finally {
            cleanUp(host, driverPid);
        }
    }

    @Test
    void interruptedHostStopsHangingDriver() throws Exception {
        Path log = directory.resolve("host.log");
        Process host = startHost("hanging", log);
        long driverPid = -1;
        try {
            driverPid = driverPid(host, log);
            assertTrue(HostResources.isRunning(driverPid), "driver " + driverPid + " runs");

            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(host.pid()))
                    .inheritIO().start();
            assertTrue(kill.waitFor(EXIT_GUARD.toSeconds(), TimeUnit.SECONDS), "kill -INT ran");
            assertTrue(host.waitFor(EXIT_GUARD.toSeconds(), TimeUnit.SECONDS),
                    "the host did not exit after SIGINT; host log: " + Files.readString(log));

            String hostLog = Files.readString(log);
            assertTrue(awaitStopped(driverPid), "driver " + driverPid + " still runs after its "
                    + "host was interrupted; host log: " + hostLog);
            assertTrue(hostLog.contains("stopping drivers at JVM exit"),
                    "the shutdown hook ran; host log: " + hostLog);
            assertTrue(hostLog.contains("sending SIGKILL"),
                    "the hook had to kill the driver; host log: " + hostLog);
        } finally {
            cleanUp(host, driverPid);
        }
    }

    private static boolean awaitStopped(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + EXIT_GUARD.toNanos();
        while (HostResources.isRunning(pid)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private static void cleanUp(Process host, long driverPid) {
        host.destroyForcibly();
        if (driverPid > 0) {
            ProcessHandle.of(driverPid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}

package io.storagedriver.internal.process;

import static io.storagedriver.internal.process.TestDrivers.commandLine;
import static io.storagedriver.internal.process.TestDrivers.processState;
import static io.storagedriver.internal.process.TestDrivers.pythonScript;
import static io.storagedriver.internal.process.TestDrivers.readLine;
import static io.storagedriver.internal.process.TestDrivers.shellScript;
import static io.storagedriver.internal.process.TestDrivers.writeFully;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.storagedriver.DriverStartException;
import io.storagedriver.internal.process.LaunchCommand.SocketPlacement;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DriverProcessTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A driver that sends a JSON report of its descriptors, pid and arguments over fd 3, then
     * echoes what it reads until end of file.
     */
    private static final String REPORTING_DRIVER = String.join("\n",
            "import json, os, socket, stat, sys",
            "def kind(fd):",
            "    try:",
            "        mode = os.fstat(fd).st_mode",
            "    except OSError:",
            "        return 'closed'",
            "    if stat.S_ISSOCK(mode):",
            "        return 'socket'",
            "    if stat.S_ISFIFO(mode):",
            "        return 'pipe'",
            "    return os.path.realpath('/proc/self/fd/%d' % fd)",
            "listed = sorted(int(name) for name in os.listdir('/proc/self/fd'))",
            "open_fds = [fd for fd in listed if kind(fd) != 'closed']",
            "sock = socket.socket(fileno=3)",
            "report = {'fd0': kind(0), 'fd1': kind(1), 'fd2': kind(2), 'fd3': kind(3),",
            "          'fds': open_fds, 'argv': sys.argv[1:], 'pid': os.getpid()}",
            "sock.sendall(json.dumps(report).encode() + b'\\n')",
            "while True:",
            "    data = sock.recv(65536)",
            "    if not data:",
            "        break",
            "    sock.sendall(data)");

    @TempDir
    Path dir;

    @Test
    void socketOnFd3AndDevNullOnFd0() throws Exception {
        Path script = pythonScript(dir, "registry-storagedriver-report", REPORTING_DRIVER);
        try (DriverProcess driver = DriverProcess.start(DriverLocator.forExecutable(script))) {
            JsonNode report = JSON.readTree(readLine(driver.channel()));

            assertEquals("socket", report.get("fd3").asText());
            assertEquals("/dev/null", report.get("fd0").asText());
            assertEquals("pipe", report.get("fd1").asText());
            assertEquals("pipe", report.get("fd2").asText());
            assertEquals("[0,1,2,3]", report.get("fds").toString());
        }
    }

    @Test
    void channelEchoesThroughDriver() throws Exception {
        Path script = pythonScript(dir, "registry-storagedriver-echo", REPORTING_DRIVER);
        try (DriverProcess driver = DriverProcess.start(DriverLocator.forExecutable(script))) {
            readLine(driver.channel());
            byte[] payload = new byte[200_000];
            for (int i = 0; i < payload.length; i++) {
                payload[i] = (byte) (i % 251);
            }
            Thread writer = new Thread(() -> {
                try {
                    writeFully(driver.channel(), payload);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();
            byte[] echoed = new byte[payload.length];
            ByteBuffer buffer = ByteBuffer.wrap(echoed);
            while (buffer.hasRemaining()) {
                assertNotEquals(-1, driver.channel().read(buffer), "end of file before the echo");
            }
            writer.join();

            assertArrayEquals(payload, echoed);
        }
    }

    @Test
    void socketSurvivesGarbageCollection() throws Exception {
        Path script = pythonScript(dir, "registry-storagedriver-gc", REPORTING_DRIVER);
        try (DriverProcess driver = DriverProcess.start(DriverLocator.forExecutable(script))) {
            readLine(driver.channel());
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(100);
            }
            writeFully(driver.channel(), "after gc\n".getBytes(StandardCharsets.US_ASCII));

            assertEquals("after gc", readLine(driver.channel()));
        }
    }

    @Test
    void pidIsTheDriverNotTheShell() throws Exception {
        Path script = pythonScript(dir, "registry-storagedriver-pid", REPORTING_DRIVER);
        try (DriverProcess driver = DriverProcess.start(DriverLocator.forExecutable(script))) {
            JsonNode report = JSON.readTree(readLine(driver.channel()));
            String[] argv = commandLine(driver.pid());

            assertEquals(driver.pid(), report.get("pid").asLong());
            assertNotNull(argv, "no /proc entry for the driver's pid");
            assertEquals(script.toString(), argv[1], "argv of the process: " + List.of(argv));
            assertFalse(List.of(argv).contains("-c"), "a shell is left: " + List.of(argv));
        }
    }

    @Test
    void argumentsPassUnchanged() throws Exception {
        Path script = pythonScript(dir, "registry-storagedriver-args", REPORTING_DRIVER);
        List<String> arguments = List.of("two words", "it's", "say \"hi\"", "$HOME", "${PATH}",
                "`id`", "$(id)", "", "*", "a\\b", "-c", "; exit 3", "ünïcödé");
        List<String> command = new ArrayList<>();
        command.add(script.toString());
        command.addAll(arguments);
        LaunchCommand launch = new LaunchCommand(
                "args", command, SocketPlacement.FD3_VIA_SHELL, Optional.of(script));
        try (DriverProcess driver = DriverProcess.start(launch)) {
            JsonNode report = JSON.readTree(readLine(driver.channel()));
            List<String> received = new ArrayList<>();
            report.get("argv").forEach(node -> received.add(node.asText()));

            assertEquals(arguments, received);
        }
    }

    @Test
    void missingExecutableRejectedBeforeSpawn() {
        Path missing = dir.resolve("registry-storagedriver-missing");
        LaunchCommand launch = new LaunchCommand("missing", List.of(missing.toString()),
                SocketPlacement.FD3_VIA_SHELL, Optional.of(missing));

        DriverStartException error =
                assertThrows(DriverStartException.class, () -> DriverProcess.start(launch));

        assertTrue(error.getMessage().contains(missing.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("does not exist"), error.getMessage());
        assertEquals("missing", error.driverName());
    }

    @Test
    void nonExecutableFileRejected() throws Exception {
        Path file = dir.resolve("registry-storagedriver-plain");
        Files.writeString(file, "#!/bin/sh\nexit 0\n");
        LaunchCommand launch = new LaunchCommand("plain", List.of(file.toString()),
                SocketPlacement.FD3_VIA_SHELL, Optional.of(file));

        DriverStartException error =
                assertThrows(DriverStartException.class, () -> DriverProcess.start(launch));

        assertTrue(error.getMessage().contains(file.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("is not executable"), error.getMessage());
        assertTrue(error.getMessage().contains("chmod +x"), error.getMessage());
    }

    @Test
    void uncheckedMissingExecutableExitsWith127() throws Exception {
        Path missing = dir.resolve("registry-storagedriver-gone");
        LaunchCommand launch = new LaunchCommand("gone", List.of(missing.toString()),
                SocketPlacement.FD3_VIA_SHELL, Optional.empty());
        try (DriverProcess driver = DriverProcess.start(launch)) {
            int code = driver.onExit().get(30, TimeUnit.SECONDS);

            assertEquals(127, code);
            assertTrue(driver.describeExit(code).contains("did not find " + missing),
                    driver.describeExit(code));
            assertFalse(driver.stderrTail().isEmpty(), "the shell's error is missing");
        }
    }

    @Test
    void uncheckedNonExecutableExitsWith126() throws Exception {
        Path file = dir.resolve("registry-storagedriver-noexec");
        Files.writeString(file, "#!/bin/sh\nexit 0\n");
        LaunchCommand launch = new LaunchCommand("noexec", List.of(file.toString()),
                SocketPlacement.FD3_VIA_SHELL, Optional.empty());
        try (DriverProcess driver = DriverProcess.start(launch)) {
            int code = driver.onExit().get(30, TimeUnit.SECONDS);

            assertEquals(126, code);
            assertTrue(driver.describeExit(code).contains("could not execute " + file),
                    driver.describeExit(code));
        }
    }

    @Test
    void crashKeepsExitCodeAndStderrTail() throws Exception {
        TestDrivers.quietDriverOutput("crash");
        Path script = shellScript(dir, "registry-storagedriver-crash", String.join("\n",
                "i=1",
                "while [ $i -le 120 ]; do echo \"line $i\" >&2; i=$((i + 1)); done",
                "echo 'to stdout'",
                "exit 3"));
        try (DriverProcess driver = DriverProcess.start(DriverLocator.forExecutable(script))) {
            int code = driver.onExit().get(30, TimeUnit.SECONDS);
            List<String> tail = driver.stderrTail();

            assertEquals(3, code);
            assertEquals(Optional.of(3), driver.exitCode());
            assertEquals("exited with status 3", driver.describeExit(code));
            assertEquals(DriverProcess.STDERR_TAIL_LINES, tail.size());
            assertEquals("line 71", tail.get(0));
            assertEquals("line 120", tail.get(tail.size() - 1));
        }
    }

    @Test
    void suppressedLinesStillEnterStderrTail() throws Exception {
        TestDrivers.quietDriverOutput("chatty");
        Path script = pythonScript(dir, "registry-storagedriver-chatty", String.join("\n",
                "import sys",
                "for i in range(1, 5001):",
                "    sys.stderr.write('line %d\\n' % i)"));
        try (DriverProcess driver = DriverProcess.start(DriverLocator.forExecutable(script))) {
            assertEquals(0, driver.onExit().get(60, TimeUnit.SECONDS));
            List<String> tail = driver.stderrTail();

            assertEquals("line 4951", tail.get(0));
            assertEquals("line 5000", tail.get(tail.size() - 1));
        }
    }

    @Test
    void stderrFloodWithoutNewlineStaysBounded() throws Exception {
        TestDrivers.quietDriverOutput("flood");
        long floodBytes = 50L * 1024 * 1024;
        Path script = shellScript(dir, "registry-storagedriver-flood",
                "head -c " + floodBytes + " /dev/zero | tr '\\000' 'x' >&2");
        long heapBefore = usedHeapAfterGc();
        try (DriverProcess driver = DriverProcess.start(DriverLocator.forExecutable(script))) {
            assertEquals(0, driver.onExit().get(90, TimeUnit.SECONDS));
            long heapAfter = usedHeapAfterGc();
            List<String> tail = driver.stderrTail();
            String expectedSuffix =
                    "… [cut " + (floodBytes - LineSplitter.MAX_LINE_BYTES) + " bytes]";

            assertEquals(1, tail.size());
            assertTrue(tail.get(0).startsWith("x".repeat(LineSplitter.MAX_LINE_BYTES)));
            assertTrue(tail.get(0).endsWith(expectedSuffix), tail.get(0).substring(8000));
            assertTrue(heapAfter - heapBefore < 16L * 1024 * 1024,
                    "heap grew by " + (heapAfter - heapBefore) + " bytes");
        }
    }

    @Test
    void onExitWaitsForLastOutput() throws Exception {
        Path script = shellScript(dir, "registry-storagedriver-last",
                "echo 'first' >&2\nsleep 0.2\nprintf 'last words' >&2\nexit 5");
        try (DriverProcess driver = DriverProcess.start(DriverLocator.forExecutable(script))) {
            int code = driver.onExit().get(30, TimeUnit.SECONDS);

            assertEquals(5, code);
            assertEquals(List.of("first", "last words"), driver.stderrTail());
        }
    }

    @Test
    void onExitCompletesWhenGrandchildHoldsOutput() throws Exception {
        Path script = shellScript(dir, "registry-storagedriver-parent", "sleep 4 &\nexit 0");
        try (DriverProcess driver = DriverProcess.start(DriverLocator.forExecutable(script))) {
            long started = System.nanoTime();
            int code = driver.onExit().get(30, TimeUnit.SECONDS);
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            assertEquals(0, code);
            assertTrue(waitedMillis < 3_500, "onExit waited " + waitedMillis + " ms");
        }
    }

    @Test
    void stopClosesSocketAndDriverExits() throws Exception {
        Path script = shellScript(dir, "registry-storagedriver-cat", "exec cat <&3 >/dev/null");
        DriverProcess driver = DriverProcess.start(DriverLocator.forExecutable(script));
        long started = System.nanoTime();
        driver.stop(Duration.ofSeconds(10));
        long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertEquals(Optional.of(0), driver.exitCode());
        assertTrue(stopMillis < 3_000, "stop took " + stopMillis + " ms");
        assertEquals(0, driver.onExit().get(5, TimeUnit.SECONDS));
    }

    @Test
    void stopKillsDriverIgnoringSigterm() throws Exception {
        Path script = shellScript(dir, "registry-storagedriver-stubborn",
                "trap '' TERM\necho ready >&2\nexec sleep 60");
        DriverProcess driver = DriverProcess.start(DriverLocator.forExecutable(script));
        awaitStderrLine(driver, "ready");
        long started = System.nanoTime();
        driver.stop(Duration.ofMillis(300));
        long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        int code = driver.exitCode().orElseThrow();

        assertEquals(128 + 9, code);
        assertTrue(driver.describeExit(code).contains("signal 9 (SIGKILL)"),
                driver.describeExit(code));
        assertTrue(stopMillis >= 2_000, "SIGKILL came after only " + stopMillis + " ms");
        assertTrue(stopMillis < 8_000, "stop took " + stopMillis + " ms");
        assertEquals("gone", processState(driver.pid()), "the driver was not reaped");
    }

    @Test
    void stopEndsDriverOnSigterm() throws Exception {
        Path script = shellScript(dir, "registry-storagedriver-sleeper",
                "echo ready >&2\nexec sleep 60");
        DriverProcess driver = DriverProcess.start(DriverLocator.forExecutable(script));
        awaitStderrLine(driver, "ready");
        driver.stop(Duration.ofMillis(100));

        assertEquals(Optional.of(128 + 15), driver.exitCode());
        assertEquals("gone", processState(driver.pid()));
    }

    @Test
    void stopIsIdempotent() throws Exception {
        Path script = shellScript(dir, "registry-storagedriver-twice", "exec cat <&3 >/dev/null");
        DriverProcess driver = DriverProcess.start(DriverLocator.forExecutable(script));
        driver.stop(Duration.ofSeconds(5));
        long started = System.nanoTime();
        driver.stop(Duration.ofSeconds(5));
        driver.close();
        long againMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertEquals(Optional.of(0), driver.exitCode());
        assertTrue(againMillis < 100, "repeated stop took " + againMillis + " ms");
    }

    @Test
    void startStopCyclesLeakNoDescriptorsOrThreads() throws Exception {
        Path script = shellScript(dir, "registry-storagedriver-cycle", "exec cat <&3 >/dev/null");
        LaunchCommand launch = DriverLocator.forExecutable(script);
        runCycle(launch);
        long descriptorsBefore = TestDrivers.openDescriptorCount();

        for (int i = 0; i < 50; i++) {
            runCycle(launch);
        }
        long descriptorsAfter = awaitDescriptorCount(descriptorsBefore);

        assertEquals(descriptorsBefore, descriptorsAfter);
        assertFalse(TestDrivers.threadAlive("storagedriver-cycle-stdout"));
        assertFalse(TestDrivers.threadAlive("storagedriver-cycle-stderr"));
        assertFalse(LiveDrivers.snapshot().stream()
                .anyMatch(driver -> driver.driverName().equals("cycle")));
    }

    @Test
    void javaDriverGetsSocketOnFd0() throws Exception {
        Path classes = Path.of(EchoMainDriver.class.getProtectionDomain()
                .getCodeSource().getLocation().toURI());
        LaunchCommand launch = DriverLocator.forMainClass(
                "java-echo", EchoMainDriver.class.getName(), List.of(classes), List.of());
        try (DriverProcess driver = DriverProcess.start(launch)) {
            writeFully(driver.channel(), "ping\n".getBytes(StandardCharsets.US_ASCII));

            assertEquals("ping", readLine(driver.channel()));
            String[] argv = commandLine(driver.pid());
            assertNotNull(argv);
            assertEquals(EchoMainDriver.class.getName(), argv[argv.length - 1]);
        }
    }

    @Test
    void shutdownHookStopsDriversAtJvmExit() throws Exception {
        Path script = shellScript(dir, "registry-storagedriver-orphan", "exec sleep 300");
        Path probeLog = dir.resolve("probe.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process probe = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ShutdownHookProbe.class.getName(), script.toString())
                .redirectError(probeLog.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        long driverPid = -1;
        try {
            BufferedReader output = new BufferedReader(
                    new InputStreamReader(probe.getInputStream(), StandardCharsets.US_ASCII));
            String line = String.valueOf(output.readLine());
            assertTrue(line.startsWith("pid="), "probe output: " + line
                    + ", probe log: " + Files.readString(probeLog));
            driverPid = Long.parseLong(line.substring(4).trim());
            assertTrue(ProcessHandle.of(driverPid).map(ProcessHandle::isAlive).orElse(false));

            probe.destroy();
            assertTrue(probe.waitFor(30, TimeUnit.SECONDS), "the probe JVM did not exit");

            assertTrue(awaitGone(driverPid, Duration.ofSeconds(5)),
                    "driver still running, probe log: " + Files.readString(probeLog));
            assertTrue(Files.readString(probeLog).contains("stopping drivers at JVM exit"));
        } finally {
            probe.destroyForcibly();
            if (driverPid > 0) {
                ProcessHandle.of(driverPid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private static void runCycle(LaunchCommand launch) {
        DriverProcess driver = DriverProcess.start(launch);
        driver.stop(Duration.ofSeconds(5));
        assertEquals(Optional.of(0), driver.exitCode());
    }

    private static long awaitDescriptorCount(long expected) throws InterruptedException {
        long count = TestDrivers.openDescriptorCount();
        for (int i = 0; i < 20 && count != expected; i++) {
            Thread.sleep(100);
            count = TestDrivers.openDescriptorCount();
        }
        return count;
    }

    private static void awaitStderrLine(DriverProcess driver, String line)
            throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            if (driver.stderrTail().contains(line)) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no line \"" + line + "\" in " + driver.stderrTail());
    }

    private static boolean awaitGone(long pid, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}

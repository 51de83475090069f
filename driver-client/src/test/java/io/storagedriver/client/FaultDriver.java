package io.storagedriver.client;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Launches {@code src/test/python/faultdriver.py}, a driver in Python that breaks the protocol
 * in the way its Configure parameters choose; its docstring lists the faults. Each launch gets
 * its own launcher script, {@code registry-storagedriver-fault-<label>-<n>}. The client's
 * threads carry the driver's name, so this distinguishes them from those of other clients.
 *
 * <p>Faults of the handshake happen before any parameter arrives, so the launcher passes them
 * to the script as the argument {@code --handshake=FAULT}.
 */
final class FaultDriver {
    /** The name that the driver announces in its handshake. */
    static final String HANDSHAKE_NAME = "faultdriver";

    /** The system property that names the Python interpreter, for a forked JVM. */
    static final String PYTHON_PROPERTY = "faultdriver.python";

    private static final AtomicInteger LAUNCHERS = new AtomicInteger();
    private static String pythonInterpreter;

    private FaultDriver() {}

    /** Returns the driver script. */
    static Path script() {
        Path relative = Path.of("src", "test", "python", "faultdriver.py");
        String basedir = System.getProperty("basedir");
        Path script = basedir == null ? relative.toAbsolutePath()
                : Path.of(basedir).resolve(relative);
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("the fault driver " + script + " is missing; run the "
                    + "tests from the driver-client module directory");
        }
        return script;
    }

    /**
     * Returns the Python 3 interpreter itself, not a version manager's shim on PATH, which
     * would add a process and start time to every launch. Skips the test when there is none.
     */
    static synchronized String python() {
        if (pythonInterpreter == null) {
            pythonInterpreter = System.getProperty(PYTHON_PROPERTY, findPython());
        }
        assumeTrue(!pythonInterpreter.isEmpty(), "python3 is not on PATH");
        return pythonInterpreter;
    }

    private static String findPython() {
        try {
            Process process = new ProcessBuilder(
                    "python3", "-c", "import sys; print(sys.executable)")
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(),
                    StandardCharsets.UTF_8).trim();
            boolean exited = process.waitFor(30, TimeUnit.SECONDS);
            return exited && process.exitValue() == 0 ? output : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /**
     * Writes a launcher script into {@code directory} that execs the fault driver with {@code
     * arguments}, and returns it. The script's file name makes the driver's name {@code
     * fault-<label>-<n>}.
     */
    static Path launcher(Path directory, String label, String... arguments) throws IOException {
        String driverName = "fault-" + label + "-" + LAUNCHERS.incrementAndGet();
        Path file = directory.resolve("registry-storagedriver-" + driverName);
        List<String> words = new ArrayList<>(List.of(python(), "-S", script().toString()));
        words.addAll(List.of(arguments));
        String command = words.stream().map(FaultDriver::quote).collect(Collectors.joining(" "));
        Files.writeString(file, "#!/bin/sh\nexec " + command + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    /** Returns the driver name that the client uses for the launcher's process and threads. */
    static String driverName(Path launcher) {
        return launcher.getFileName().toString().substring("registry-storagedriver-".length());
    }

    /**
     * Returns options that start the fault driver through a new launcher in {@code directory},
     * which passes {@code launcherArguments} to the script, configured with {@code fault} and
     * the given further parameters, and with a stop timeout
     * of one second so that a driver that ignores the end of its socket is soon killed.
     */
    static DriverOptions.Builder options(Path directory, String fault,
            Map<String, String> parameters, String... launcherArguments) throws IOException {
        return DriverOptions.executable(launcher(directory, fault, launcherArguments))
                .parameter("fault", fault)
                .parameters(parameters)
                .stopTimeout(Duration.ofSeconds(1));
    }

    /** Returns options for a launcher that passes {@code --handshake=<fault>}. */
    static DriverOptions.Builder handshakeFault(Path directory, String fault) throws IOException {
        return DriverOptions.executable(launcher(directory, "handshake-" + fault,
                        "--handshake=" + fault))
                .stopTimeout(Duration.ofSeconds(1));
    }

    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}

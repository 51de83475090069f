package io.storagedriver.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults that could make the host buffer without bound, each run by {@link
 * HostMemoryScenarios} in a host JVM whose heap is limited to {@value #HOST_HEAP}. {@code
 * -XX:+ExitOnOutOfMemoryError} turns running out of memory into an exit with status 3, so a
 * host that buffers what the driver sends fails at once.
 */
class HostMemoryTest {
    private static final String HOST_HEAP = "64m";

    /** The log line of the host's process layer for each driver it starts. */
    private static final Pattern DRIVER_STARTED =
            Pattern.compile("driver started name=\\S+ pid=(\\d+) executable=");

    /** A guard against a hung host, not a measure of its speed. */
    private static final long HANG_GUARD_SECONDS = 180;

    @TempDir
    Path directory;

    @ParameterizedTest
    @ValueSource(strings = {"flood-stderr-lines", "flood-stderr-one-line", "flood-stdout-lines",
        "stuck-reader", "stuck-reader-ping-flood", "driver-opened-streams",
        "content-longer-than-announced", "content-shorter-than-announced",
        "list-line-without-end", "list-many-short-entries", "list-many-long-entries",
        "walk-many-entries", "answers-without-fin"})
    void faultFitsSmallHostHeap(String scenario) throws IOException, InterruptedException {
        Path output = directory.resolve("host-output.txt");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process host = new ProcessBuilder(List.of(java.toString(), "-Xmx" + HOST_HEAP,
                "-XX:+ExitOnOutOfMemoryError",
                "-D" + FaultDriver.PYTHON_PROPERTY + "=" + FaultDriver.python(),
                "-Dbasedir=" + FaultDriver.script().getParent().getParent().getParent()
                        .getParent(),
                "-Dorg.slf4j.simpleLogger.log.storagedriver.driver=warn",
                "-cp", System.getProperty("java.class.path"),
                HostMemoryScenarios.class.getName(), scenario, directory.toString()))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();

        try {
            if (!host.waitFor(HANG_GUARD_SECONDS, TimeUnit.SECONDS)) {
                host.destroyForcibly().waitFor();
                fail("the host JVM did not finish " + scenario + " within " + HANG_GUARD_SECONDS
                        + " s; output:\n" + tail(output));
            }
        } finally {
            killOrphanedDrivers(output);
        }
        String text = tail(output);

        assertEquals(0, host.exitValue(), "exit status of the host JVM with -Xmx" + HOST_HEAP
                + " (3 means it ran out of memory); output:\n" + text);
        assertTrue(text.contains(HostMemoryScenarios.PASS_PREFIX + scenario),
                "the host reports the scenario passed; output:\n" + text);
    }

    /**
     * Kills the drivers that the host started and that still run. A host that ran out of memory
     * or was killed ran no shutdown hook, and a driver that stopped reading its socket never
     * reads its end of file, so such a driver would run on.
     */
    private static void killOrphanedDrivers(Path output) throws IOException {
        Matcher started = DRIVER_STARTED.matcher(Files.readString(output, StandardCharsets.UTF_8));
        while (started.find()) {
            ProcessHandle.of(Long.parseLong(started.group(1)))
                    .ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** Returns the end of the host's output, which floods can make long. */
    private static String tail(Path output) throws IOException {
        String text = Files.readString(output, StandardCharsets.UTF_8);
        return text.length() <= 20_000 ? text : "…" + text.substring(text.length() - 20_000);
    }
}

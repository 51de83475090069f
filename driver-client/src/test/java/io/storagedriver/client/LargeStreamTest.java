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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 256 MiB stream through the filesystem driver and through the Python reference driver, with
 * the host in a JVM whose heap is limited to {@value #HOST_HEAP}. {@code -XX:+ExitOnOutOfMemoryError} turns running out of memory into
 * an exit with status 3, so a client that buffers the stream fails this test at once, without
 * waiting for a timer.
 */
class LargeStreamTest {
    private static final String HOST_HEAP = "64m";
    private static final long HOST_HEAP_BYTES = 64L * 1024 * 1024;

    /** A guard against a hung transfer, not a measure of its speed. */
    private static final long HANG_GUARD_SECONDS = 300;

    @TempDir
    Path directory;

    /** The Python reference driver, relative to the module folder that tests run in. */
    private static final Path PYTHON_DRIVER =
            Path.of("..", "drivers", "python", "registry-storagedriver-pyfs");

    /** Bound of the Python driver's peak resident memory, because it streams in 64 KiB pieces. */
    private static final long PYTHON_DRIVER_RSS_KIB = 64 * 1024;

    @Test
    void largeStreamRoundTripsInSmallHostHeap() throws IOException, InterruptedException {
        transfer(List.of());
    }

    @Test
    void pythonDriverStreamStaysBounded()
            throws IOException, InterruptedException {
        String result = transfer(List.of(PYTHON_DRIVER.toAbsolutePath().normalize().toString()));
        long driverPeak =
                Long.parseLong(result.replaceAll(".*driverPeakRssKib=(-?\\d+).*", "$1"));
        assertTrue(driverPeak > 0, "peak resident memory of the Python driver was not read: "
                + result);
        assertTrue(driverPeak <= PYTHON_DRIVER_RSS_KIB,
                "peak resident memory of the Python driver in KiB: expected at most "
                        + PYTHON_DRIVER_RSS_KIB + ", actual " + driverPeak);
    }

    private String transfer(List<String> driverArguments)
            throws IOException, InterruptedException {
        Path root = directory.resolve("root");
        Path output = directory.resolve("host-output.txt");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new java.util.ArrayList<>(List.of(java.toString(),
                "-Xmx" + HOST_HEAP, "-XX:+ExitOnOutOfMemoryError", "-cp",
                System.getProperty("java.class.path"), LargeStreamTransfer.class.getName(),
                root.toString()));
        command.addAll(driverArguments);
        Process host = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();

        if (!host.waitFor(HANG_GUARD_SECONDS, TimeUnit.SECONDS)) {
            host.destroyForcibly().waitFor();
            fail("the host JVM did not finish within " + HANG_GUARD_SECONDS + " s; output:\n"
                    + Files.readString(output, StandardCharsets.UTF_8));
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);

        assertEquals(0, host.exitValue(), "exit status of the host JVM with -Xmx" + HOST_HEAP
                + " (3 means it ran out of memory); output:\n" + text);
        String result = text.lines()
                .filter(line -> line.startsWith(LargeStreamTransfer.RESULT_PREFIX))
                .findFirst()
                .orElseGet(() -> fail("no result line in the output:\n" + text));
        long maxHeap = Long.parseLong(result.replaceAll(".*maxHeap=(\\d+).*", "$1"));
        assertTrue(maxHeap <= HOST_HEAP_BYTES, "max heap of the host JVM: expected at most "
                + HOST_HEAP_BYTES + ", actual " + maxHeap);
        Path blob = root.resolve(LargeStreamTransfer.PATH.substring(1));
        assertEquals(LargeStreamTransfer.SIZE, Files.size(blob), "size of " + blob + " on disk");
        return result;
    }
}

package io.storagedriver.junit.drivers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the Python reference driver's own protocol tests, which play the host byte by byte and
 * cover what the compatibility suite cannot reach through the Java client: pings, resets during
 * each operation, window overruns and the handshake's error answers.
 */
class PythonDriverProtocolTest {

    @Test
    void pythonHostTestsPass() throws IOException, InterruptedException {
        Path folder = Path.of("..", "drivers", "python").toAbsolutePath().normalize();
        Process process = new ProcessBuilder("python3", "-m", "unittest", "-v", "test_pyfs")
                .directory(folder.toFile())
                .redirectErrorStream(true)
                .start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8);
        boolean exited = process.waitFor(5, TimeUnit.MINUTES);
        if (!exited) {
            process.destroyForcibly();
        }
        assertEquals(0, exited ? process.exitValue() : -1,
                "python3 -m unittest test_pyfs in " + folder + " failed:\n" + output);
    }
}

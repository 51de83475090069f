package io.storagedriver.internal.process;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Helpers that write small driver scripts and inspect processes through /proc. */
final class TestDrivers {
    private static String pythonInterpreter;

    private TestDrivers() {}

    /** Writes an executable /bin/sh script named {@code fileName} into {@code directory}. */
    static Path shellScript(Path directory, String fileName, String body) throws IOException {
        return executable(directory.resolve(fileName), "#!/bin/sh\n" + body + "\n");
    }

    /**
     * Writes an executable Python 3 script. The #! line names the interpreter itself, not a
     * version manager's shim on PATH, which would add a process and start time. Skips the
     * test when no python3 is on PATH.
     */
    static Path pythonScript(Path directory, String fileName, String body) throws IOException {
        return executable(directory.resolve(fileName), "#!" + python() + "\n" + body + "\n");
    }

    static Path executable(Path file, String content) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    static synchronized String python() {
        if (pythonInterpreter == null) {
            pythonInterpreter = findPython();
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

    /** Reads ASCII text from {@code channel} up to and excluding the next newline. */
    static String readLine(ByteChannel channel) throws IOException {
        StringBuilder line = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (true) {
            one.clear();
            if (channel.read(one) == -1) {
                throw new IOException("end of file after: " + line);
            }
            byte b = one.get(0);
            if (b == '\n') {
                return line.toString();
            }
            line.append((char) (b & 0xFF));
        }
    }

    /** Writes all of {@code bytes} to {@code channel}. */
    static void writeFully(ByteChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Returns the number of open descriptors of this JVM. */
    static long openDescriptorCount() {
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            return entries.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns the arguments of process {@code pid} from /proc, or null if it is gone. */
    static String[] commandLine(long pid) throws IOException {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"));
            return new String(raw, StandardCharsets.UTF_8).split("\0");
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Returns the state letter of process {@code pid} from /proc, or "gone". */
    static String processState(long pid) throws IOException {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        } catch (NoSuchFileException e) {
            return "gone";
        }
    }

    /**
     * Raises the log level of driver {@code name}'s output to WARN, so that a test that makes a
     * driver write many lines does not fill the test log. Works for loggers created later.
     */
    static void quietDriverOutput(String name) {
        System.setProperty("org.slf4j.simpleLogger.log.storagedriver.driver." + name, "warn");
    }

    /** Returns whether a live thread has the name {@code name}. */
    static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(thread -> thread.getName().equals(name) && thread.isAlive());
    }
}

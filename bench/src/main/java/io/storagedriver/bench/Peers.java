package io.storagedriver.bench;

import io.storagedriver.bench.peer.OneByteEcho;
import io.storagedriver.bench.peer.RawPeer;
import io.storagedriver.client.DriverClient;
import io.storagedriver.internal.process.DriverLocator;
import io.storagedriver.internal.process.DriverProcess;
import io.storagedriver.internal.process.LaunchCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Starts the child processes that the benchmarks compare the driver with. */
final class Peers {
    /**
     * Classes whose jars make up the class path of the bundled drivers. The client's {@code
     * BundledDrivers} looks up the same classes but does not expose them, so keep both lists
     * equal.
     */
    private static final List<String> DRIVER_RUNTIME_CLASSES = List.of(
            "io.storagedriver.client.DriverClient",
            "com.fasterxml.jackson.databind.ObjectMapper",
            "com.fasterxml.jackson.core.JsonFactory",
            "com.fasterxml.jackson.annotation.JsonProperty",
            "org.slf4j.LoggerFactory",
            "org.newsclub.net.unix.AFUNIXSocket",
            "org.newsclub.lib.junixsocket.common.NarMetadata");

    private Peers() {}

    /**
     * Starts {@link RawPeer} the way the client starts a Java driver: the current JVM's {@code
     * java}, {@code -Xshare:auto}, and the socket on standard input.
     */
    static DriverProcess startRawPeer(String... arguments) {
        LaunchCommand driverLike = DriverLocator.forMainClass(
                "raw-peer", RawPeer.class.getName(), List.of(benchClasses()), List.of());
        List<String> command = new ArrayList<>(driverLike.command());
        command.addAll(List.of(arguments));
        return DriverProcess.start(new LaunchCommand(driverLike.driverName(), command,
                driverLike.placement(), driverLike.checkedExecutable()));
    }

    /**
     * Returns the command of the bare start: {@link OneByteEcho} launched exactly like the
     * bundled drivers, with their class path followed by the benchmark classes, and with {@code
     * jvmOptions} after the options that the client passes.
     */
    static LaunchCommand bareJvmEcho(List<String> jvmOptions) {
        List<Path> classpath = new ArrayList<>(driverRuntimeClasspath());
        classpath.add(benchClasses());
        return DriverLocator.forMainClass(
                "bare-echo", OneByteEcho.class.getName(), classpath, jvmOptions);
    }

    /** Returns the jars or class folders of the bundled drivers, in the client's order. */
    static List<Path> driverRuntimeClasspath() {
        Set<Path> entries = new LinkedHashSet<>();
        for (String className : DRIVER_RUNTIME_CLASSES) {
            try {
                entries.add(locationOf(Class.forName(className, false,
                        DriverClient.class.getClassLoader())));
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("class " + className + " is not on the class"
                        + " path of the benchmarks, so the bundled driver would miss it too", e);
            }
        }
        return List.copyOf(entries);
    }

    /** Returns the jar or class folder that holds the benchmark classes. */
    static Path benchClasses() {
        return locationOf(Peers.class);
    }

    /** Returns the {@code java} executable of the running JVM. */
    static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    private static Path locationOf(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        try {
            return Path.of(source.getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the classes of " + type, e);
        }
    }

    /** Deletes {@code directory} and everything below it. */
    static void deleteTree(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** Writes all remaining bytes of {@code buffer}. */
    static void writeFully(ByteChannel channel, ByteBuffer buffer) {
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fills the remaining space of {@code buffer}, failing at end of stream. */
    static void readFully(ByteChannel channel, ByteBuffer buffer) {
        try {
            while (buffer.hasRemaining()) {
                if (channel.read(buffer) < 0) {
                    throw new IOException("the peer closed the socket");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

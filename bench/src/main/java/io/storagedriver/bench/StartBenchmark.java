package io.storagedriver.bench;

import io.storagedriver.client.DriverClient;
import io.storagedriver.client.DriverOptions;
import io.storagedriver.internal.process.DriverLocator;
import io.storagedriver.internal.process.DriverProcess;
import io.storagedriver.internal.process.LaunchCommand;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of a start, from spawning a driver to a ready {@link DriverClient}, against the bare
 * start of the same runtime launched the same way (same executable, options, class path and
 * socket handover) that only echoes one byte over the socket. Stopping the child is not
 * measured.
 *
 * <p>The bundled {@code inmemory} driver maps a class data sharing archive that its first start
 * records, so the Java bare start is measured twice: plainly, and with an archive of its own.
 * The Python pair runs only when {@value #PYFS_LAUNCHER} exists below the working directory.
 *
 * <p>The single-shot benchmarks give the distribution of each kind of start; the paired ones
 * give the ratios, because they measure both kinds side by side.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 25)
@Fork(1)
public class StartBenchmark {
    /** The launcher of the Python driver, relative to the repository root. */
    static final String PYFS_LAUNCHER = "drivers/python/registry-storagedriver-pyfs";

    /** The child started by the current invocation, stopped after it. */
    @State(Scope.Thread)
    public static class Started {
        DriverClient client;
        DriverProcess bare;
        final ByteBuffer echoByte = ByteBuffer.allocateDirect(1);

        /** Starts {@code command}, sends one byte and waits for the echo. */
        void echoOnce(LaunchCommand command) {
            bare = DriverProcess.start(command);
            echoByte.clear();
            Peers.writeFully(bare.channel(), echoByte);
            echoByte.clear();
            Peers.readFully(bare.channel(), echoByte);
        }

        @TearDown(Level.Invocation)
        public void stop() {
            if (client != null) {
                client.close();
                client = null;
            }
            if (bare != null) {
                bare.close();
                bare = null;
            }
        }
    }

    /** A class data sharing archive for the bare Java start, recorded before the trial. */
    @State(Scope.Benchmark)
    public static class BareArchive {
        Path directory;
        LaunchCommand command;

        @Setup(Level.Trial)
        public void record() throws IOException {
            directory = Files.createTempDirectory("bare-cds-",
                    PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
            Path archive = directory.resolve("bare.jsa");
            Started recording = new Started();
            recording.echoOnce(Peers.bareJvmEcho(List.of("-XX:ArchiveClassesAtExit=" + archive)));
            recording.stop();
            if (!Files.isRegularFile(archive)) {
                throw new IOException("the bare JVM recorded no archive at " + archive
                        + "; -XX:ArchiveClassesAtExit needs JDK 13 or later");
            }
            command = Peers.bareJvmEcho(List.of("-XX:SharedArchiveFile=" + archive));
        }

        @TearDown(Level.Trial)
        public void delete() throws IOException {
            Peers.deleteTree(directory);
        }
    }

    /** The Python driver's launcher and a bare Python echo launched the same way. */
    @State(Scope.Benchmark)
    public static class Python {
        Path directory;
        Path pyfs;
        LaunchCommand bareEcho;

        @Setup(Level.Trial)
        public void prepare() throws IOException {
            pyfs = Path.of(PYFS_LAUNCHER).toAbsolutePath();
            if (!Files.isExecutable(pyfs)) {
                throw new IOException("the Python driver is missing: " + pyfs
                        + "; run the benchmarks from the repository root");
            }
            directory = Files.createTempDirectory("bare-python-");
            Path script = Files.writeString(directory.resolve("echo.py"), String.join("\n",
                    "import socket",
                    "s = socket.socket(fileno=3)",
                    "b = s.recv(1)",
                    "s.sendall(b)",
                    "while s.recv(1):",
                    "    pass",
                    ""));
            Path launcher = directory.resolve("registry-storagedriver-bare");
            Files.writeString(launcher, "#!/bin/sh\nexec python3 \"" + script + "\" \"$@\"\n");
            Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwx------"));
            bareEcho = DriverLocator.forExecutable(launcher);
            Files.createDirectories(directory.resolve("blobs"));
        }

        DriverOptions driverOptions() {
            return DriverOptions.executable(pyfs)
                    .parameter("rootdirectory", directory.resolve("blobs").toString())
                    .build();
        }

        @TearDown(Level.Trial)
        public void delete() throws IOException {
            Peers.deleteTree(directory);
        }
    }

    /**
     * Sums of start times, in milliseconds, of starts measured in pairs: a bare start and a
     * driver start right after each other, in alternating order. Their ratio does not drift
     * with the machine's load the way that of two benchmarks run minutes apart does.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class PairedStarts {
        public double bareMs;
        public double driverMs;
        public long pairs;
        private boolean bareFirst;

        @Setup(Level.Iteration)
        public void reset() {
            bareMs = 0;
            driverMs = 0;
            pairs = 0;
        }

        /** Measures one pair and adds it to the sums. */
        void measure(Started started, LaunchCommand bare, DriverOptions driver) {
            bareFirst = !bareFirst;
            if (bareFirst) {
                bareMs += bareStart(started, bare);
                driverMs += driverStart(started, driver);
            } else {
                driverMs += driverStart(started, driver);
                bareMs += bareStart(started, bare);
            }
            pairs++;
        }

        private static double bareStart(Started started, LaunchCommand bare) {
            long begin = System.nanoTime();
            started.echoOnce(bare);
            double millis = (System.nanoTime() - begin) / 1e6;
            started.stop();
            return millis;
        }

        private static double driverStart(Started started, DriverOptions driver) {
            long begin = System.nanoTime();
            started.client = DriverClient.start(driver);
            double millis = (System.nanoTime() - begin) / 1e6;
            started.stop();
            return millis;
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @Warmup(iterations = 2, time = 2)
    @Measurement(iterations = 6, time = 3)
    public void pairedJavaStarts(PairedStarts paired, Started started) {
        paired.measure(started, Peers.bareJvmEcho(List.of()),
                DriverOptions.name("inmemory").build());
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @Warmup(iterations = 2, time = 2)
    @Measurement(iterations = 6, time = 3)
    public void pairedPythonStarts(PairedStarts paired, Started started, Python python) {
        paired.measure(started, python.bareEcho, python.driverOptions());
    }

    @Benchmark
    public DriverClient driverClientStart(Started started) {
        started.client = DriverClient.start(DriverOptions.name("inmemory").build());
        return started.client;
    }

    @Benchmark
    public ByteBuffer bareJvmEcho(Started started) {
        started.echoOnce(Peers.bareJvmEcho(List.of()));
        return started.echoByte;
    }

    @Benchmark
    public ByteBuffer bareJvmEchoWithArchive(Started started, BareArchive archive) {
        started.echoOnce(archive.command);
        return started.echoByte;
    }

    @Benchmark
    public DriverClient pythonDriverStart(Started started, Python python) {
        started.client = DriverClient.start(python.driverOptions());
        return started.client;
    }

    @Benchmark
    public ByteBuffer barePythonEcho(Started started, Python python) {
        started.echoOnce(python.bareEcho);
        return started.echoByte;
    }
}

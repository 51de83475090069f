package io.storagedriver.internal.yamux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;
import org.newsclub.net.unix.FileDescriptorCast;

/**
 * Checks that {@link YamuxSession} interoperates with HashiCorp's Go yamux library, the reference
 * implementation. {@link #buildGoPeer()} compiles the Go program in {@code src/test/go/yamuxpeer}
 * once, and each test starts it with its end of a Unix socketpair on fd 3, as hosts start drivers.
 *
 * <p>The Go program runs the yamux snapshot of Debian's package
 * {@code golang-github-hashicorp-yamux-dev} (2019). That snapshot sends data frames as large as
 * the receive window and drops frames for streams that it has just closed. It can also return EOF
 * from a read after its own close, so the Go echo reads a whole stream before it writes back.
 *
 * <p>The tests need the {@code go} command and those yamux sources. Without them the tests are
 * skipped, or fail when the environment variable {@code CI} is {@code "true"}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GoYamuxInteropTest {
    private static final Path YAMUX_SOURCES =
            Path.of("/usr/share/gocode/src/github.com/hashicorp/yamux");
    private static final String INSTALL_COMMAND =
            "apt-get install -y golang-go golang-github-hashicorp-yamux-dev";
    private static final long BUILD_TIMEOUT_SECONDS = 300;
    /** Timeout for the Go program to exit or to report a ping reply or a stream outcome. */
    private static final long PEER_TIMEOUT_SECONDS = 15;
    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;
    private static final int COPY_BUFFER_BYTES = 64 * KIB;

    /** Why the tests cannot run, or empty when the Go toolchain and yamux are installed. */
    private static String missingTools = "";
    private static Path peerBinary;

    private final List<GoPeer> peers = new ArrayList<>();
    private final List<YamuxSession> sessions = new ArrayList<>();
    private final List<ExecutorService> executors = new ArrayList<>();

    @BeforeAll
    static void buildGoPeer() throws IOException, InterruptedException {
        Optional<Path> goCommand = findOnPath("go");
        missingTools = describeMissingTools(goCommand);
        if (!missingTools.isEmpty()) {
            if ("true".equals(System.getenv("CI"))) {
                fail(missingTools);
            }
            // Each test reports the skip in @BeforeEach, because Surefire does not show an
            // assumption that fails in @BeforeAll.
            return;
        }

        Path moduleDir = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        Path goDir = moduleDir.resolve("target/go");
        Path ownGopath = goDir.resolve("gopath");
        Files.createDirectories(ownGopath);
        peerBinary = goDir.resolve("yamuxpeer");
        Path buildLog = goDir.resolve("build.log");

        ProcessBuilder build = new ProcessBuilder(
                goCommand.orElseThrow().toString(), "build", "-o", peerBinary.toString(),
                "./src/test/go/yamuxpeer")
                .directory(moduleDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(buildLog.toFile());
        Map<String, String> environment = build.environment();
        // The Debian package installs yamux for GOPATH mode, without a Go module.
        environment.put("GO111MODULE", "off");
        environment.put("GOPATH", "/usr/share/gocode" + File.pathSeparator + ownGopath);
        environment.put("GOFLAGS", "");
        environment.put("GOCACHE", goDir.resolve("cache").toString());
        // A static build needs no C compiler.
        environment.put("CGO_ENABLED", "0");

        Process process = build.start();
        if (!process.waitFor(BUILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("go build of the yamux peer timed out after " + BUILD_TIMEOUT_SECONDS
                    + " s; output in " + buildLog);
        }
        assertEquals(0, process.exitValue(), () -> "go build of the yamux peer failed:\n"
                + readQuietly(buildLog));
    }

    @BeforeEach
    void skipWithoutGoToolchain() {
        assumeTrue(missingTools.isEmpty(), () -> missingTools + " (skipped because CI is not"
                + " \"true\"; with CI=true the test fails instead)");
    }

    @AfterEach
    void stopEverythingStarted() throws InterruptedException {
        for (ExecutorService executor : executors) {
            executor.shutdownNow();
        }
        for (YamuxSession session : sessions) {
            session.close();
        }
        for (GoPeer peer : peers) {
            peer.stop();
        }
    }

    /** Go sends the echo in data frames as large as the 1 MiB window that Java grants. */
    @Test
    void singleStreamEchoesSixteenMib() throws Exception {
        GoPeer peer = startPeer("server");
        YamuxSession session = startClientSession(peer);

        EchoResult result = echo(session, 16 * MIB, 1);

        assertEquals(16 * MIB, result.receivedBytes(), "echoed byte count");
        assertEquals(result.sentDigest(), result.receivedDigest(), "SHA-256 of the echo");
        List<String> output = closeAndAwaitCleanExit(session, peer);
        assertTrue(output.contains(echoedLine(result)),
                () -> "Go should report stream " + result.streamId() + " with the Java digest; "
                        + "Go output:\n" + String.join("\n", output));
    }

    @Test
    void thirtyTwoConcurrentStreamsEchoOneMibEach() throws Exception {
        GoPeer peer = startPeer("server");
        YamuxSession session = startClientSession(peer);
        int streamCount = 32;
        ExecutorService executor = startExecutor(streamCount);

        List<Future<EchoResult>> futures = new ArrayList<>();
        for (int i = 0; i < streamCount; i++) {
            long seed = 100 + i;
            futures.add(executor.submit(() -> echo(session, MIB, seed)));
        }
        List<EchoResult> results = new ArrayList<>();
        for (Future<EchoResult> future : futures) {
            results.add(future.get());
        }

        for (EchoResult result : results) {
            assertEquals(MIB, result.receivedBytes(),
                    "echoed byte count of stream " + result.streamId());
            assertEquals(result.sentDigest(), result.receivedDigest(),
                    "SHA-256 of the echo on stream " + result.streamId());
        }
        assertEquals(streamCount,
                results.stream().map(EchoResult::streamId).distinct().count(),
                "distinct stream ids");
        List<String> output = closeAndAwaitCleanExit(session, peer);
        for (EchoResult result : results) {
            assertTrue(output.contains(echoedLine(result)),
                    () -> "Go should report stream " + result.streamId()
                            + " with the Java digest; Go output:\n" + String.join("\n", output));
        }
    }

    @Test
    void resetWhileGoSendsEndsOnlyThatStream() throws Exception {
        GoPeer peer = startPeer("server");
        YamuxSession session = startClientSession(peer);
        int size = 8 * MIB;
        byte[] sent = pseudoRandomBytes(size, 7);

        YamuxStream stream = session.openStream();
        stream.outputStream().write(sent);
        stream.closeWrite();
        // Go writes the echo only after it has read everything, so this read waits until Go
        // sends. Go then blocks on the send window, because 64 KiB is far less than 8 MiB.
        byte[] firstBytes = stream.inputStream().readNBytes(64 * KIB);
        assertArrayEquals(Arrays.copyOf(sent, 64 * KIB), firstBytes,
                "first 64 KiB of the echo");
        stream.reset();

        YamuxException readFailure =
                assertThrows(YamuxException.class, () -> stream.inputStream().read());
        assertEquals(YamuxException.Kind.STREAM_RESET, readFailure.kind(), "kind of read failure");
        assertTrue(stream.isReset(), "isReset() after reset()");
        Pattern writeFailed = Pattern.compile("stream " + stream.id()
                + ": write failed after (\\d+) of " + size + " bytes: connection reset");
        Matcher goReport = peer.awaitOutputLine(writeFailed);
        long goWritten = Long.parseLong(goReport.group(1));
        assertTrue(goWritten >= 64 * KIB,
                "Go should have written at least the 64 KiB read before the reset: " + goWritten);
        assertTrue(goWritten < size,
                "Go should have been stopped by the reset before the end of the echo: "
                        + goWritten);

        EchoResult afterReset = echo(session, MIB, 8);
        assertEquals(afterReset.sentDigest(), afterReset.receivedDigest(),
                "SHA-256 of the echo on a stream opened after the reset");
        List<String> output = closeAndAwaitCleanExit(session, peer);
        assertTrue(output.contains(echoedLine(afterReset)),
                () -> "Go should report the stream opened after the reset; Go output:\n"
                        + String.join("\n", output));
    }

    @Test
    void closeEndsGoPeerWithStatusZero() throws Exception {
        GoPeer peer = startPeer("server");
        YamuxSession session = startClientSession(peer);

        EchoResult result = echo(session, 0, 9);
        assertEquals(0, result.receivedBytes(), "echoed byte count of an empty stream");

        List<String> output = closeAndAwaitCleanExit(session, peer);
        assertTrue(output.contains("session ended by EOF"),
                () -> "Go should see EOF on the socket; Go output:\n" + String.join("\n", output));
    }

    /**
     * Closes sessions right after they start, while the first ping of the Go peer can still be
     * in flight. Closing a socket with unread bytes makes Linux report ECONNRESET to the peer, and
     * a peer that writes afterwards gets EPIPE, so {@link YamuxSession#close()} must shut down its
     * output and wait for the peer's end first. Without that wait, 8 of 30 such closes failed on a
     * loaded 2-CPU machine, so 20 iterations almost always show a regression.
     */
    @Test
    void immediateCloseEndsGoPeerWithEof() throws Exception {
        for (int i = 0; i < 20; i++) {
            GoPeer peer = startPeer("server");
            YamuxSession session = startClientSession(peer);

            session.goAway();
            session.close();

            int status = peer.awaitExit();
            List<String> output = List.copyOf(peer.output());
            int iteration = i;
            assertEquals(0, status, () -> "exit status of the Go peer in iteration " + iteration
                    + "; standard output:\n" + String.join("\n", output));
            assertTrue(output.contains("session ended by EOF"),
                    () -> "Go should see EOF in iteration " + iteration + "; standard output:\n"
                            + String.join("\n", output));
        }
    }

    @Test
    void serverEchoesStreamsOpenedByGo() throws Exception {
        int streamCount = 8;
        int size = 2 * MIB;
        GoPeer peer = startPeer("client", Integer.toString(streamCount), Integer.toString(size));
        YamuxSession session = YamuxSession.server(peer.socket(), config());
        sessions.add(session);
        ExecutorService executor = startExecutor(streamCount);

        List<Future<Long>> echoes = new ArrayList<>();
        List<Integer> streamIds = new ArrayList<>();
        YamuxStream stream;
        while ((stream = session.acceptStream()) != null) {
            YamuxStream accepted = stream;
            streamIds.add(accepted.id());
            echoes.add(executor.submit(() -> copyBack(accepted)));
        }
        // Only Go's GoAway, not the end of the session, may stop acceptStream() here.
        assertFalse(session.isClosed(), "session closed when acceptStream() returned null");
        for (Future<Long> echoed : echoes) {
            assertEquals(size, echoed.get(), "bytes echoed by the Java server on one stream");
        }

        assertEquals(streamCount, streamIds.size(), "streams accepted before the Go GoAway");
        for (int id : streamIds) {
            assertEquals(1, id % 2, "Go as yamux client opens odd stream ids: " + id);
        }
        List<String> output = closeAndAwaitCleanExit(session, peer);
        long verified = output.stream()
                .filter(line -> line.matches("stream \\d+: verified echo of " + size
                        + " bytes sha256 [0-9a-f]{64}"))
                .count();
        assertEquals(streamCount, verified,
                () -> "streams that Go verified; Go output:\n" + String.join("\n", output));
        assertTrue(output.contains("session ended after GoAway"),
                () -> "Go should see the Java side close after its GoAway; Go output:\n"
                        + String.join("\n", output));
    }

    /**
     * Returns why the tests cannot run: the {@code go} command or HashiCorp's yamux sources are
     * missing. Returns an empty string when both are present.
     */
    private static String describeMissingTools(Optional<Path> goCommand) {
        List<String> missing = new ArrayList<>();
        if (goCommand.isEmpty()) {
            missing.add("the go command (Debian package golang-go)");
        }
        if (!Files.isDirectory(YAMUX_SOURCES)) {
            missing.add("the yamux sources in " + YAMUX_SOURCES
                    + " (Debian package golang-github-hashicorp-yamux-dev)");
        }
        if (missing.isEmpty()) {
            return "";
        }
        return "The Go yamux interoperability test needs " + String.join(" and ", missing)
                + ". Install the packages with: " + INSTALL_COMMAND;
    }

    private static Optional<Path> findOnPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String directory : path.split(File.pathSeparator)) {
            if (directory.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(directory, command);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static YamuxConfig config() {
        return YamuxConfig.defaults().withName("go");
    }

    /**
     * Starts the Go program with its end of a new socketpair on fd 3 and with {@code /dev/null} on
     * fd 0, the way hosts start drivers.
     */
    private GoPeer startPeer(String... arguments) throws IOException {
        AFUNIXSocketPair<AFUNIXSocketChannel> pair = AFUNIXSocketPair.open();
        FileDescriptor childEnd = pair.getSocket2().getFileDescriptor();
        ProcessBuilder.Redirect childEndAsStdin =
                FileDescriptorCast.using(childEnd).as(ProcessBuilder.Redirect.class);

        List<String> command = new ArrayList<>(List.of(
                "/bin/sh", "-c", "exec \"$0\" \"$@\" 3<&0 0</dev/null", peerBinary.toString()));
        command.addAll(List.of(arguments));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectInput(childEndAsStdin).start();
        } catch (IOException e) {
            pair.getSocket1().close();
            throw e;
        } finally {
            // Close only the raw descriptor of the parent's copy. Closing the junixsocket channel
            // would call shutdown(), which also cuts off the child's copy.
            new FileInputStream(childEnd).close();
        }
        GoPeer peer = new GoPeer(process, pair);
        peers.add(peer);
        return peer;
    }

    private YamuxSession startClientSession(GoPeer peer) throws IOException {
        YamuxSession session = YamuxSession.client(peer.socket(), config());
        sessions.add(session);
        return session;
    }

    private ExecutorService startExecutor(int threads) {
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        executors.add(executor);
        return executor;
    }

    /**
     * Sends GoAway and closes the session, then checks that the Go program exits with status 0,
     * received replies to its pings and logged no yamux error. Returns its standard output.
     */
    private static List<String> closeAndAwaitCleanExit(YamuxSession session, GoPeer peer)
            throws Exception {
        // Go pings once at start. Waiting for its report makes sure that the reply arrived.
        peer.awaitOutputLine(Pattern.compile("ping reply received after .*"));
        session.goAway();
        session.close();
        session.closeFuture().get(PEER_TIMEOUT_SECONDS, TimeUnit.SECONDS);

        int status = peer.awaitExit();
        List<String> output = List.copyOf(peer.output());
        List<String> errors = List.copyOf(peer.errors());
        assertEquals(0, status, () -> "exit status of the Go peer; standard output:\n"
                + String.join("\n", output) + "\nstandard error:\n" + String.join("\n", errors));
        List<String> yamuxErrors = errors.stream().filter(line -> line.contains("[ERR]")).toList();
        assertEquals(List.of(), yamuxErrors, "errors that Go's yamux logged");
        List<String> pingFailures =
                output.stream().filter(line -> line.contains("ping failed")).toList();
        assertEquals(List.of(), pingFailures, "pings of the Go peer without a reply");
        return output;
    }

    /**
     * Opens a stream, writes {@code size} pseudo-random bytes from {@code seed}, sends FIN and
     * reads the echo until the peer's FIN. Writing everything before reading works because the
     * Go echo reads the whole stream before it writes back.
     */
    private static EchoResult echo(YamuxSession session, int size, long seed) throws IOException {
        MessageDigest sentDigest = sha256();
        MessageDigest receivedDigest = sha256();
        SplittableRandom random = new SplittableRandom(seed);
        byte[] buffer = new byte[COPY_BUFFER_BYTES];
        long received = 0;

        YamuxStream stream = session.openStream();
        try {
            OutputStream output = stream.outputStream();
            for (int remaining = size; remaining > 0; ) {
                int chunk = Math.min(remaining, buffer.length);
                fillPseudoRandom(random, buffer, chunk);
                sentDigest.update(buffer, 0, chunk);
                output.write(buffer, 0, chunk);
                remaining -= chunk;
            }
            stream.closeWrite();

            InputStream input = stream.inputStream();
            int count;
            while ((count = input.read(buffer)) != -1) {
                receivedDigest.update(buffer, 0, count);
                received += count;
            }
        } finally {
            stream.close();
        }
        return new EchoResult(stream.id(), received, hex(sentDigest), hex(receivedDigest));
    }

    /** Copies a stream's input back to its output as it arrives, then closes the stream. */
    private static long copyBack(YamuxStream stream) throws IOException {
        long copied = 0;
        byte[] buffer = new byte[COPY_BUFFER_BYTES];
        try {
            InputStream input = stream.inputStream();
            OutputStream output = stream.outputStream();
            int count;
            while ((count = input.read(buffer)) != -1) {
                output.write(buffer, 0, count);
                output.flush();
                copied += count;
            }
            stream.closeWrite();
        } finally {
            stream.close();
        }
        return copied;
    }

    private static String echoedLine(EchoResult result) {
        return "stream " + result.streamId() + ": echoed " + result.receivedBytes()
                + " bytes sha256 " + result.sentDigest();
    }

    private static byte[] pseudoRandomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        fillPseudoRandom(new SplittableRandom(seed), bytes, size);
        return bytes;
    }

    private static void fillPseudoRandom(SplittableRandom random, byte[] buffer, int length) {
        for (int i = 0; i < length; i++) {
            buffer[i] = (byte) random.nextInt(256);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }

    private static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    /** Outcome of one echoed stream, with SHA-256 digests as lowercase hex. */
    private record EchoResult(int streamId, long receivedBytes, String sentDigest,
            String receivedDigest) {}

    /** A running Go program, the parent's end of its socket and its collected output lines. */
    private static final class GoPeer {
        private final Process process;
        /** Keeps the pair, and so the child's end, referenced for the life of the test. */
        private final AFUNIXSocketPair<AFUNIXSocketChannel> pair;
        private final List<String> output = new CopyOnWriteArrayList<>();
        private final List<String> errors = new CopyOnWriteArrayList<>();
        private final Thread outputReader;
        private final Thread errorReader;

        GoPeer(Process process, AFUNIXSocketPair<AFUNIXSocketChannel> pair) {
            this.process = process;
            this.pair = pair;
            this.outputReader = startLineReader(process.getInputStream(), output, "stdout");
            this.errorReader = startLineReader(process.getErrorStream(), errors, "stderr");
        }

        AFUNIXSocketChannel socket() {
            return pair.getSocket1();
        }

        List<String> output() {
            return output;
        }

        List<String> errors() {
            return errors;
        }

        /** Waits for a line of standard output that matches {@code pattern} in full. */
        Matcher awaitOutputLine(Pattern pattern) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PEER_TIMEOUT_SECONDS);
            while (true) {
                // Checked before the scan, so that a finished reader's last lines are scanned.
                boolean outputComplete = !outputReader.isAlive();
                for (String line : output) {
                    Matcher matcher = pattern.matcher(line);
                    if (matcher.matches()) {
                        return matcher;
                    }
                }
                if (outputComplete || System.nanoTime() > deadline) {
                    return fail("Go peer printed no line matching \"" + pattern + "\" within "
                            + PEER_TIMEOUT_SECONDS + " s; standard output:\n"
                            + String.join("\n", output) + "\nstandard error:\n"
                            + String.join("\n", errors));
                }
                Thread.sleep(20);
            }
        }

        /** Waits for the process to exit and for its output to be read, and returns its status. */
        int awaitExit() throws InterruptedException {
            if (!process.waitFor(PEER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                fail("Go peer (pid " + process.pid() + ") did not exit within "
                        + PEER_TIMEOUT_SECONDS + " s after the session closed; standard error:\n"
                        + String.join("\n", errors));
            }
            outputReader.join(TimeUnit.SECONDS.toMillis(PEER_TIMEOUT_SECONDS));
            errorReader.join(TimeUnit.SECONDS.toMillis(PEER_TIMEOUT_SECONDS));
            return process.exitValue();
        }

        /** Kills the process, by its pid, if it is still running, and closes the parent's end. */
        void stop() throws InterruptedException {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(PEER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            try {
                pair.getSocket1().close();
            } catch (IOException e) {
                // The session has closed the channel already, so there is nothing left to do.
            }
        }

        private static Thread startLineReader(InputStream stream, List<String> lines,
                String name) {
            Thread reader = new Thread(() -> {
                try (BufferedReader lineReader = new BufferedReader(
                        new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lineReader.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    lines.add("(reading " + name + " of the Go peer failed: " + e + ")");
                }
            }, "go-yamux-peer-" + name);
            reader.setDaemon(true);
            reader.start();
            return reader;
        }
    }
}

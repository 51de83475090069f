package io.storagedriver.drivers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storagedriver.internal.wire.ChunkedInputStream;
import io.storagedriver.internal.wire.ChunkedOutputStream;
import io.storagedriver.internal.wire.Messages;
import io.storagedriver.internal.yamux.YamuxConfig;
import io.storagedriver.internal.yamux.YamuxSession;
import io.storagedriver.internal.yamux.YamuxStream;
import java.io.BufferedInputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFSocket;
import org.newsclub.net.unix.AFSocketCapability;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;
import org.newsclub.net.unix.FileDescriptorCast;

/**
 * Runs the drivers' {@code main} methods in a child JVM, with the socket on fd 0 as a Java host
 * passes it, on fd 3 as the protocol passes it, and with no socket at all.
 */
@Timeout(120)
class DriverProcessTest {
    @TempDir
    Path temporary;

    /** A started driver process and the host's session with it. */
    private record Child(Process process, YamuxSession session,
            CompletableFuture<byte[]> stdout, CompletableFuture<byte[]> stderr) {}

    private static List<String> javaCommand(Class<?> mainClass) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-cp", System.getProperty("java.class.path"), mainClass.getName());
    }

    private static Child start(List<String> command) throws IOException {
        assumeTrue(AFSocket.supports(AFSocketCapability.CAPABILITY_FD_AS_REDIRECT),
                "junixsocket cannot pass a socket as a redirect on this platform");
        AFUNIXSocketPair<AFUNIXSocketChannel> pair = AFUNIXSocketPair.open();
        ProcessBuilder.Redirect childEnd = FileDescriptorCast
                .using(pair.getSocket2().getFileDescriptor()).as(ProcessBuilder.Redirect.class);
        Process process = new ProcessBuilder(command).redirectInput(childEnd).start();
        // Closing the channel would shut the socket down for the child too; close only our copy.
        new FileInputStream(pair.getSocket2().getFileDescriptor()).close();
        CompletableFuture<byte[]> stdout = readAll(process.getInputStream());
        CompletableFuture<byte[]> stderr = readAll(process.getErrorStream());
        YamuxSession session =
                YamuxSession.client(pair.getSocket1(), YamuxConfig.defaults().withName("host"));
        return new Child(process, session, stdout, stderr);
    }

    private static CompletableFuture<byte[]> readAll(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return in.readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        });
    }

    /** Wraps a command so that the socket arrives on fd 3 and fd 0 is /dev/null. */
    private static List<String> onFd3(List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of(
                "/bin/sh", "-c", "exec \"$0\" \"$@\" 3<&0 0</dev/null"));
        wrapped.addAll(command);
        return wrapped;
    }

    private static ObjectNode call(YamuxSession session, ObjectNode request, byte[] content)
            throws IOException {
        YamuxStream stream = session.openStream();
        Messages.write(stream.outputStream(), request);
        if (content != null) {
            ChunkedOutputStream chunks = new ChunkedOutputStream(stream.outputStream());
            chunks.write(content);
            chunks.finish();
        }
        stream.closeWrite();
        ObjectNode answer = Messages.read(new BufferedInputStream(stream.inputStream()));
        stream.close();
        return answer;
    }

    private static ObjectNode handshake(YamuxSession session, Map<String, String> parameters)
            throws IOException {
        YamuxStream stream = session.openStream();
        InputStream in = new BufferedInputStream(stream.inputStream());
        ObjectNode hello = Messages.object();
        hello.put("op", "Handshake");
        hello.put("protocolVersion", "1.0");
        hello.put("apiVersion", "1.0");
        hello.put("client", "process test");
        Messages.write(stream.outputStream(), hello);
        ObjectNode versions = Messages.read(in);
        assertTrue(versions.path("ok").asBoolean(), versions.toString());
        ObjectNode configure = Messages.object();
        configure.put("op", "Configure");
        configure.put("accept", true);
        ObjectNode values = configure.putObject("parameters");
        parameters.forEach(values::put);
        Messages.write(stream.outputStream(), configure);
        ObjectNode configured = Messages.read(in);
        stream.closeWrite();
        stream.close();
        return configured;
    }

    private static ObjectNode request(String op, String path) {
        ObjectNode request = Messages.object();
        request.put("op", op);
        request.put("path", path);
        return request;
    }

    private static byte[] getContent(YamuxSession session, String path) throws IOException {
        YamuxStream stream = session.openStream();
        Messages.write(stream.outputStream(), request("GetContent", path));
        stream.closeWrite();
        InputStream in = new BufferedInputStream(stream.inputStream());
        ObjectNode response = Messages.read(in);
        assertTrue(response.path("ok").asBoolean(), response.toString());
        byte[] content = new ChunkedInputStream(in).readAllBytes();
        assertTrue(Messages.read(in).path("ok").asBoolean());
        stream.close();
        return content;
    }

    /** Stops the child the way the host does and returns its exit code. */
    private static int stop(Child child) throws Exception {
        child.session().goAway();
        child.session().close();
        assertTrue(child.process().waitFor(30, TimeUnit.SECONDS), "the driver did not exit");
        return child.process().exitValue();
    }

    private static void assertNoStdout(Child child) throws Exception {
        assertEquals("", new String(child.stdout().get(10, TimeUnit.SECONDS), UTF_8));
    }

    @Test
    void inMemoryDriverServesSocketOnFd0() throws Exception {
        Child child = start(javaCommand(InMemoryDriver.class));
        assertTrue(handshake(child.session(), Map.of()).path("ok").asBoolean());
        assertTrue(call(child.session(), request("PutContent", "/a"), "hello".getBytes(UTF_8))
                .path("ok").asBoolean());
        assertEquals("hello", new String(getContent(child.session(), "/a"), UTF_8));
        assertEquals(0, stop(child));
        assertNoStdout(child);
    }

    @Test
    void filesystemDriverServesSocketOnFd3() throws Exception {
        Path root = temporary.resolve("root");
        Child child = start(onFd3(javaCommand(FilesystemDriver.class)));
        assertTrue(handshake(child.session(), Map.of("rootdirectory", root.toString()))
                .path("ok").asBoolean());
        assertTrue(call(child.session(), request("PutContent", "/x/y"), "stored".getBytes(UTF_8))
                .path("ok").asBoolean());
        assertEquals("stored", Files.readString(root.resolve("x/y")));
        assertEquals(0, stop(child));
        assertNoStdout(child);
    }

    @Test
    void filesystemDriverWithoutRootAnswersInvalidParameters() throws Exception {
        Child child = start(onFd3(javaCommand(FilesystemDriver.class)));
        ObjectNode answer = handshake(child.session(), Map.of());
        assertEquals("InvalidParameters", answer.path("error").path("code").asText(),
                answer.toString());
        assertTrue(answer.path("error").path("message").asText().contains("rootdirectory"));
        assertEquals(0, stop(child));
    }

    @Test
    void driverExitsWhenSocketEnds() throws Exception {
        Child child = start(javaCommand(InMemoryDriver.class));
        handshake(child.session(), Map.of());
        child.session().close();
        assertTrue(child.process().waitFor(30, TimeUnit.SECONDS), "the driver did not exit");
        assertEquals(0, child.process().exitValue());
    }

    @Test
    void driverRunByHandExplainsAndExitsWithTwo() throws Exception {
        Process process = new ProcessBuilder(javaCommand(InMemoryDriver.class))
                .redirectInput(new File("/dev/null")).start();
        CompletableFuture<byte[]> stdout = readAll(process.getInputStream());
        CompletableFuture<byte[]> stderr = readAll(process.getErrorStream());
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, process.exitValue());
        String message = new String(stderr.get(10, TimeUnit.SECONDS), UTF_8);
        assertTrue(message.contains("not meant to be run by hand"), message);
        assertTrue(message.contains("fd 3"), message);
        assertEquals("", new String(stdout.get(10, TimeUnit.SECONDS), UTF_8));
    }
}

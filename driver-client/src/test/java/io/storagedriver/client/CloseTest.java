package io.storagedriver.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storagedriver.DriverExitedException;
import io.storagedriver.FileWriter;
import io.storagedriver.StorageDriver;
import io.storagedriver.WalkVisitor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * {@link DriverClient#close()}: idempotent, fails pending and later calls, and leaves no process,
 * file descriptor or thread behind.
 */
@Timeout(120)
class CloseTest {
    private static final int CYCLES = 20;

    /**
     * Descriptors the JVM may open for good during the cycles, such as jars that classes are
     * loaded from for the first time.
     */
    private static final int DESCRIPTOR_SLACK = 4;

    /** How long a thread that close() ended may take to leave its run method. */
    private static final Duration THREAD_END_GUARD = Duration.ofSeconds(5);

    /** How long bytes that the driver sent may take to reach the host; a guard against hangs. */
    private static final Duration ARRIVAL_GUARD = Duration.ofSeconds(10);

    private static final List<String> CLIENT_THREAD_PREFIXES =
            List.of("yamux-reader", "yamux-writer", "storagedriver-");

    private static DriverClient start() {
        return DriverClient.start(TestDriverOptions.inMemory()
                .jvmOptions(TestDriverOptions.QUICK_START)
                .callTimeout(Duration.ofSeconds(30))
                .build());
    }

    private static void assertProcessEnded(long pid) {
        boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        assertFalse(alive, "driver process " + pid + " is alive after close");
    }

    @Test
    void closeIsIdempotent() {
        DriverClient client = start();
        long pid = client.pid();

        client.close();
        client.close();
        client.close();

        assertFalse(client.isAlive(), "isAlive after close");
        assertProcessEnded(pid);
    }

    @Test
    void callsAfterCloseFailWithDriverExited() {
        DriverClient client = start();
        client.putContent("/file", new byte[] {1});
        client.close();

        DriverExitedException e =
                assertThrows(DriverExitedException.class, () -> client.getContent("/file"));

        assertTrue(e.getMessage().contains("was closed"),
                "message says the client was closed, actual: " + e.getMessage());
        assertThrows(DriverExitedException.class, () -> client.stat("/"), "stat after close");
        assertThrows(DriverExitedException.class, () -> client.writer("/w", false),
                "writer after close");
    }

    @Test
    void everyOperationAfterCloseFails() {
        DriverClient client = start();
        client.putContent("/file", new byte[] {1});
        client.close();
        Map<String, Executable> operations = new LinkedHashMap<>();
        for (StorageDriver view : List.of(client, client.unchecked())) {
            String prefix = view == client ? "" : "unchecked ";
            operations.put(prefix + "getContent", () -> view.getContent("/file"));
            operations.put(prefix + "putContent", () -> view.putContent("/file", new byte[1]));
            operations.put(prefix + "reader", () -> view.reader("/file", 0));
            operations.put(prefix + "writeStream",
                    () -> view.writeStream("/file", 0, new ByteArrayInputStream(new byte[1])));
            operations.put(prefix + "currentSize", () -> view.currentSize("/file"));
            operations.put(prefix + "list", () -> view.list("/"));
            operations.put(prefix + "move", () -> view.move("/file", "/moved"));
            operations.put(prefix + "delete", () -> view.delete("/file"));
            operations.put(prefix + "stat", () -> view.stat("/file"));
            operations.put(prefix + "writer", () -> view.writer("/w", false));
            operations.put(prefix + "walk",
                    () -> view.walk("/", entry -> WalkVisitor.Decision.CONTINUE));
            operations.put(prefix + "redirectUrl", () -> view.redirectUrl("/file"));
        }

        for (Map.Entry<String, Executable> operation : operations.entrySet()) {
            DriverExitedException e = assertThrows(DriverExitedException.class,
                    operation.getValue(), operation.getKey() + " after close");
            assertTrue(e.getMessage().contains("the client of driver inmemory was closed"),
                    operation.getKey() + " after close, message: " + e.getMessage());
        }
    }

    @Test
    void writerOfClosedClientFails() {
        DriverClient client = start();
        FileWriter writer = client.writer("/w", false);
        writer.write(new byte[] {1, 2});
        FileWriter committed = client.writer("/c", false);
        FileWriter cancelled = client.writer("/x", false);
        client.close();

        DriverExitedException write = assertThrows(DriverExitedException.class,
                () -> writer.write(new byte[] {3}));
        DriverExitedException commit = assertThrows(DriverExitedException.class,
                committed::commit);
        DriverExitedException cancel = assertThrows(DriverExitedException.class,
                cancelled::cancel);

        assertTrue(write.getMessage().contains("Writer /w failed: the client of driver "
                + "inmemory was closed"), "message of the write: " + write.getMessage());
        assertTrue(commit.getMessage().contains("Writer /c failed"),
                "message of the commit: " + commit.getMessage());
        assertTrue(cancel.getMessage().contains("Writer /x failed"),
                "message of the cancel: " + cancel.getMessage());
        assertEquals(2, writer.size(), "size of the writer after the failed write");
        writer.close();
    }

    @Test
    void readerOfClosedClientFails() throws Exception {
        DriverClient client = start();
        client.putContent("/small", new byte[] {1, 2, 3});
        InputStream in = client.reader("/small", 0);
        assertEquals(1, in.read(), "first byte");
        awaitAvailable(in, 2);
        client.close();

        IOException e = assertThrows(IOException.class, in::read);

        DriverExitedException cause = assertInstanceOf(DriverExitedException.class,
                e.getCause(), "cause of the read's failure");
        assertTrue(cause.getMessage().contains("Reader /small failed: the client of driver "
                + "inmemory was closed"), "message: " + cause.getMessage());
        in.close();
    }

    @Test
    void closeFailsPendingRead() throws Exception {
        DriverClient client = start();
        client.writeStream("/file", 0, PatternContent.stream(51, 0, 8 * 1024 * 1024));
        InputStream in = client.reader("/file", 0);
        assertEquals(1024, in.readNBytes(1024).length, "bytes read before close");

        client.close();
        AtomicReference<IOException> failure = new AtomicReference<>();
        try {
            in.readAllBytes();
        } catch (IOException e) {
            failure.set(e);
        }

        assertNotNull(failure.get(), "failure of a read after close");
        assertInstanceOf(DriverExitedException.class, failure.get().getCause(),
                "cause of the read's failure");
    }

    @Test
    void startStopCyclesLeaveNothingBehind() throws Exception {
        runCycle();
        int descriptorsBefore = openDescriptors();

        List<Long> pids = new ArrayList<>();
        for (int i = 0; i < CYCLES; i++) {
            pids.add(runCycle());
        }

        for (long pid : pids) {
            assertProcessEnded(pid);
        }
        List<Long> children = ProcessHandle.current().children()
                .filter(child -> pids.contains(child.pid()))
                .map(ProcessHandle::pid)
                .toList();
        assertEquals(List.of(), children, "driver processes still children of this JVM");
        int descriptorsAfter = openDescriptors();
        assertTrue(descriptorsAfter <= descriptorsBefore + DESCRIPTOR_SLACK,
                "open file descriptors after " + CYCLES + " cycles: expected at most "
                        + (descriptorsBefore + DESCRIPTOR_SLACK) + ", actual "
                        + descriptorsAfter + " (before: " + descriptorsBefore + ")");
        assertEquals(List.of(), awaitNoClientThreads(), "client threads alive after close");
    }

    /** Starts a driver, makes calls of each kind of stream use, closes it and returns its pid. */
    private static long runCycle() throws IOException {
        DriverClient client = start();
        try (client) {
            assertEquals(List.of(), client.list("/"), "list / of an empty store");
            client.putContent("/file", new byte[] {1, 2, 3});
            assertArrayEquals(new byte[] {1, 2, 3}, client.getContent("/file"), "content");
            try (InputStream in = client.reader("/file", 1)) {
                assertEquals(2, in.readAllBytes().length, "bytes of reader at offset 1");
            }
            FileWriter writer = client.writer("/written", false);
            writer.write(new byte[] {4});
            writer.commit();
            client.list("/");
        }
        return client.pid();
    }

    /**
     * Waits until {@code count} bytes of {@code in} have arrived, so that a read could return
     * them without touching the driver.
     */
    private static void awaitAvailable(InputStream in, int count)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + ARRIVAL_GUARD.toNanos();
        while (in.available() < count) {
            assertTrue(System.nanoTime() < deadline, "bytes available from the reader: "
                    + in.available() + ", expected " + count);
            Thread.sleep(10);
        }
    }

    private static int openDescriptors() throws IOException {
        try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
            return (int) descriptors.count();
        }
    }

    /**
     * Returns the client threads still alive, after giving threads that close() stopped a
     * moment to finish returning from their run methods.
     */
    private static List<String> awaitNoClientThreads() throws InterruptedException {
        long deadline = System.nanoTime() + THREAD_END_GUARD.toNanos();
        List<String> threads = clientThreads();
        while (!threads.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            threads = clientThreads();
        }
        return threads;
    }

    private static List<String> clientThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> CLIENT_THREAD_PREFIXES.stream().anyMatch(name::startsWith))
                .sorted()
                .toList();
    }
}

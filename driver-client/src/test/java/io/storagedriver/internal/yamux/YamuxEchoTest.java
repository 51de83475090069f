package io.storagedriver.internal.yamux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;

/**
 * Runs a client session against a server session over a real socketpair. The timeout only guards
 * against hangs.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class YamuxEchoTest {
    private static final AtomicInteger PAIR_NUMBER = new AtomicInteger();

    private YamuxSession client;
    private YamuxSession server;
    private final List<Thread> threads = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        AFUNIXSocketPair<AFUNIXSocketChannel> pair = AFUNIXSocketPair.open();
        int number = PAIR_NUMBER.incrementAndGet();
        client = YamuxSession.client(pair.getSocket1(),
                YamuxConfig.defaults().withName("echo-client-" + number));
        server = YamuxSession.server(pair.getSocket2(),
                YamuxConfig.defaults().withName("echo-server-" + number));
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        client.close();
        server.close();
        for (Thread thread : threads) {
            thread.join();
        }
    }

    /** Starts a daemon thread that the test joins in {@link #tearDown()}. */
    private CompletableFuture<Void> run(String name, IoRunnable body) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                body.run();
                result.complete(null);
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
        return result;
    }

    private interface IoRunnable {
        void run() throws Exception;
    }

    /** Accepts streams on the server and echoes each one back until the client's FIN. */
    private void startEchoServer() {
        run("echo-acceptor", () -> {
            YamuxStream stream;
            while ((stream = server.acceptStream()) != null) {
                YamuxStream accepted = stream;
                run("echo-" + accepted.id(), () -> {
                    try (accepted) {
                        accepted.inputStream().transferTo(accepted.outputStream());
                    }
                });
            }
        });
    }

    /** Writes {@code length} seeded random bytes in uneven chunks and returns their CRC32. */
    private static long writeRandom(OutputStream out, long length, long seed) throws IOException {
        Random random = new Random(seed);
        CRC32 crc = new CRC32();
        byte[] chunk = new byte[200_000];
        long written = 0;
        while (written < length) {
            int count = (int) Math.min(1 + random.nextInt(chunk.length), length - written);
            random.nextBytes(chunk);
            out.write(chunk, 0, count);
            crc.update(chunk, 0, count);
            written += count;
        }
        out.close();
        return crc.getValue();
    }

    /** Reads to the end of the stream and returns the CRC32 and byte count. */
    private static long[] readAll(InputStream in) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buffer = new byte[100_000];
        long total = 0;
        int count;
        while ((count = in.read(buffer)) >= 0) {
            crc.update(buffer, 0, count);
            total += count;
        }
        return new long[] {crc.getValue(), total};
    }

    @Test
    void echoes32MibThroughTwoSessions() throws Exception {
        startEchoServer();
        long length = 32L * 1024 * 1024;
        YamuxStream stream = client.openStream();

        CompletableFuture<Long> writtenCrc = new CompletableFuture<>();
        run("writer", () -> writtenCrc.complete(writeRandom(stream.outputStream(), length, 42)));
        long[] echoed = readAll(stream.inputStream());

        assertEquals(length, echoed[1]);
        assertEquals(writtenCrc.get(), echoed[0]);
        stream.close();
    }

    @Test
    void concurrentStreamsEchoIndependently() throws Exception {
        startEchoServer();
        int streamCount = 16;
        long length = 2L * 1024 * 1024;
        List<CompletableFuture<Void>> results = new ArrayList<>();
        for (int i = 0; i < streamCount; i++) {
            long seed = i;
            YamuxStream stream = client.openStream();
            CompletableFuture<Long> writtenCrc = new CompletableFuture<>();
            run("writer-" + i, () -> writtenCrc.complete(
                    writeRandom(stream.outputStream(), length, seed)));
            results.add(run("reader-" + i, () -> {
                long[] echoed = readAll(stream.inputStream());
                assertEquals(length, echoed[1]);
                assertEquals(writtenCrc.get(), echoed[0]);
                stream.close();
            }));
        }

        for (CompletableFuture<Void> result : results) {
            result.get();
        }
    }

    @Test
    void slowReaderDoesNotStallOtherStream() throws Exception {
        YamuxStream stalled = client.openStream();
        YamuxStream flowing = client.openStream();
        YamuxStream stalledOnServer = server.acceptStream();
        YamuxStream flowingOnServer = server.acceptStream();
        assertEquals(stalled.id(), stalledOnServer.id());

        // The server never reads the first stream, so its writer blocks at the 1 MiB window.
        CompletableFuture<Void> stalledWriter =
                run("stalled-writer", () -> stalled.outputStream().write(new byte[4 << 20]));
        long length = 16L * 1024 * 1024;
        CompletableFuture<Long> writtenCrc = new CompletableFuture<>();
        run("flowing-writer",
                () -> writtenCrc.complete(writeRandom(flowing.outputStream(), length, 7)));
        long[] received = readAll(flowingOnServer.inputStream());

        assertEquals(length, received[1]);
        assertEquals(writtenCrc.get(), received[0]);
        assertEquals(false, stalledWriter.isDone());
        byte[] buffered = stalledOnServer.inputStream().readNBytes(1 << 20);
        assertEquals(1 << 20, buffered.length);
        stalled.reset();
        ExecutionException e = assertThrows(ExecutionException.class, stalledWriter::get);
        assertEquals(YamuxException.Kind.STREAM_RESET, ((YamuxException) e.getCause()).kind());
    }

    @Test
    void clientCloseEndsServerSession() throws Exception {
        YamuxStream stream = client.openStream();
        stream.outputStream().write(new byte[] {1, 2, 3});
        YamuxStream accepted = server.acceptStream();

        client.close();

        server.closeFuture().get();
        assertArrayEquals(new byte[] {1, 2, 3}, accepted.inputStream().readNBytes(3));
        YamuxException e =
                assertThrows(YamuxException.class, () -> accepted.inputStream().read());
        assertEquals(YamuxException.Kind.SESSION_CLOSED, e.kind());
        assertNull(server.acceptStream());
    }
}

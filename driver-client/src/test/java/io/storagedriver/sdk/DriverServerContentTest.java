package io.storagedriver.sdk;

import static io.storagedriver.sdk.HostPeer.assertError;
import static io.storagedriver.sdk.HostPeer.assertOk;
import static io.storagedriver.sdk.HostPeer.message;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storagedriver.FileInfo;
import io.storagedriver.FileWriter;
import io.storagedriver.PathNotFoundException;
import io.storagedriver.internal.wire.ChunkedInputStream;
import io.storagedriver.internal.wire.ChunkedOutputStream;
import io.storagedriver.internal.yamux.YamuxException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Calls with request or response content, early error responses, trailers and resets. */
@Timeout(60)
class DriverServerContentTest {
    private HostPeer peer;

    @AfterEach
    void closePeer() {
        if (peer != null) {
            peer.close();
        }
    }

    private <T extends ScriptedDriver> T serve(T driver) throws Exception {
        peer = HostPeer.configured(TestFactory.of(driver), Map.of());
        return driver;
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertTrue(latch.await(10, TimeUnit.SECONDS), "timed out waiting for the driver");
    }

    /** Polls until the condition holds, for effects that follow a reset asynchronously. */
    private static void eventually(String description, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + description);
            Thread.sleep(10);
        }
    }

    private ObjectNode stat(String path) throws Exception {
        HostCall call = peer.call(message("op", "Stat", "path", path));
        ObjectNode answer = call.read();
        call.finishWrite();
        return answer;
    }

    // GetContent

    @Test
    void getContentSendsSizeContentAndTrailer() throws Exception {
        ScriptedDriver driver = serve(new ScriptedDriver());
        byte[] content = randomBytes(700_000);
        driver.store.putContent("/blob", content);
        HostCall call = peer.call(message("op", "GetContent", "path", "/blob"));
        ObjectNode response = call.read();
        assertOk(response);
        assertEquals(content.length, response.path("size").asLong());
        assertArrayEquals(content, call.readContent());
        assertOk(call.read());
        call.finishWrite();
        call.expectEnd();
    }

    @Test
    void getContentOfDirectoryIsPathNotFound() throws Exception {
        ScriptedDriver driver = serve(new ScriptedDriver());
        driver.store.putContent("/dir/f", new byte[1]);
        HostCall call = peer.call(message("op", "GetContent", "path", "/dir"));
        assertError("PathNotFound", call.read());
        call.finishWrite();
        call.expectEnd();
    }

    // PutContent

    @Test
    void putContentStoresContent() throws Exception {
        ScriptedDriver driver = serve(new ScriptedDriver());
        byte[] content = randomBytes(1_500_000);
        HostCall call = peer.call(message("op", "PutContent", "path", "/a/blob"));
        call.sendContent(content);
        call.finishWrite();
        assertOk(call.read());
        call.expectEnd();
        assertArrayEquals(content, driver.store.getContent("/a/blob"));
    }

    @Test
    void putContentInvalidPathAnswersEarlyAndDrains() throws Exception {
        ScriptedDriver driver = serve(new ScriptedDriver());
        HostCall call = peer.call(message("op", "PutContent", "path", "/a/../b"));
        // Far more than the stream's windows: this only finishes if the driver discards it.
        ChunkedOutputStream content = call.content();
        byte[] block = new byte[64 * 1024];
        for (int i = 0; i < 64; i++) {
            content.write(block);
        }
        content.finish();
        call.finishWrite();
        ObjectNode error = assertError("InvalidPath", call.read());
        assertEquals("/a/../b", error.path("path").asText());
        call.expectEnd();
        assertEquals(0, driver.calls.get());
        assertOk(stat("/"));
    }

    @Test
    void putContentResetStoresNothing() throws Exception {
        AtomicInteger puts = new AtomicInteger();
        ScriptedDriver driver = serve(new ScriptedDriver() {
            @Override
            public void putContent(String path, byte[] content) {
                puts.incrementAndGet();
                super.putContent(path, content);
            }
        });
        driver.store.putContent("/f", "old".getBytes(UTF_8));
        HostCall call = peer.call(message("op", "PutContent", "path", "/f"));
        ChunkedOutputStream content = call.content();
        content.write(randomBytes(200_000));
        content.flush();
        call.reset();
        assertOk(stat("/"));
        assertEquals(0, puts.get());
        assertEquals("old", new String(driver.store.getContent("/f"), UTF_8));
    }

    @Test
    void putContentEndingWithoutEndChunkStoresNothing() throws Exception {
        ScriptedDriver driver = serve(new ScriptedDriver());
        HostCall call = peer.call(message("op", "PutContent", "path", "/f"));
        ChunkedOutputStream content = call.content();
        content.write(randomBytes(1000));
        content.flush();
        call.finishWrite();
        assertError("BadRequest", call.read());
        assertThrows(PathNotFoundException.class, () -> driver.store.stat("/f"));
    }

    // Reader

    @Test
    void readerSendsFileFromOffset() throws Exception {
        ScriptedDriver driver = serve(new ScriptedDriver());
        byte[] content = randomBytes(300_000);
        driver.store.putContent("/f", content);
        HostCall call = peer.call(message("op", "Reader", "path", "/f", "offset", 1000));
        ObjectNode response = call.read();
        assertOk(response);
        assertEquals(content.length - 1000, response.path("size").asLong());
        assertArrayEquals(Arrays.copyOfRange(content, 1000, content.length), call.readContent());
        assertOk(call.read());
        call.finishWrite();
        call.expectEnd();
    }

    @Test
    void readerAtSizeSendsEmptyContent() throws Exception {
        ScriptedDriver driver = serve(new ScriptedDriver());
        driver.store.putContent("/f", new byte[10]);
        HostCall call = peer.call(message("op", "Reader", "path", "/f", "offset", 10));
        ObjectNode response = call.read();
        assertEquals(0, response.path("size").asLong());
        assertEquals(0, call.readContent().length);
        assertOk(call.read());
    }

    @Test
    void readerPastSizeIsInvalidOffset() throws Exception {
        ScriptedDriver driver = serve(new ScriptedDriver());
        driver.store.putContent("/f", new byte[10]);
        HostCall call = peer.call(message("op", "Reader", "path", "/f", "offset", 11));
        ObjectNode error = assertError("InvalidOffset", call.read());
        assertEquals(11, error.path("offset").asLong());
    }

    @Test
    void readerFailureMidContentSendsErrorTrailer() throws Exception {
        ScriptedDriver driver = serve(new ScriptedDriver() {
            @Override
            public InputStream reader(String path, long offset) {
                return new InputStream() {
                    private int remaining = 100_000;

                    @Override
                    public int read() throws IOException {
                        byte[] single = new byte[1];
                        return read(single, 0, 1) < 0 ? -1 : single[0] & 0xff;
                    }

                    @Override
                    public int read(byte[] target, int offset, int length) throws IOException {
                        if (remaining == 0) {
                            throw new IOException("disk read failed");
                        }
                        int n = Math.min(length, remaining);
                        remaining -= n;
                        return n;
                    }
                };
            }
        });
        driver.store.putContent("/f", new byte[1_000_000]);
        HostCall call = peer.call(message("op", "Reader", "path", "/f", "offset", 0));
        ObjectNode response = call.read();
        assertOk(response);
        assertEquals(1_000_000, response.path("size").asLong());
        assertEquals(100_000, call.readContent().length);
        ObjectNode error = assertError("Internal", call.read());
        assertTrue(error.path("message").asText().contains("disk read failed"), error.toString());
        call.finishWrite();
        call.expectEnd();
    }

    @Test
    void readerOfShrunkFileSendsErrorTrailer() throws Exception {
        ScriptedDriver driver = serve(new ScriptedDriver() {
            @Override
            public FileInfo stat(String path) {
                return new FileInfo(path, 50, Instant.EPOCH, false);
            }
        });
        driver.store.putContent("/f", new byte[20]);
        HostCall call = peer.call(message("op", "Reader", "path", "/f", "offset", 0));
        assertEquals(50, call.read().path("size").asLong());
        assertEquals(20, call.readContent().length);
        assertError("Internal", call.read());
    }

    @Test
    void readerStopsWhenHostResets() throws Exception {
        AtomicBoolean closed = new AtomicBoolean();
        AtomicLong produced = new AtomicLong();
        long size = 1L << 40;
        serve(new ScriptedDriver() {
            @Override
            public FileInfo stat(String path) {
                return new FileInfo(path, size, Instant.EPOCH, false);
            }

            @Override
            public InputStream reader(String path, long offset) {
                return new InputStream() {
                    @Override
                    public int read() {
                        produced.incrementAndGet();
                        return 0;
                    }

                    @Override
                    public int read(byte[] target, int offset, int length) {
                        produced.addAndGet(length);
                        return length;
                    }

                    @Override
                    public void close() {
                        closed.set(true);
                    }
                };
            }
        });
        HostCall call = peer.call(message("op", "Reader", "path", "/huge", "offset", 0));
        assertEquals(size, call.read().path("size").asLong());
        ChunkedInputStream content = call.contentStream();
        assertEquals(128 * 1024, content.readNBytes(128 * 1024).length);
        call.reset();
        eventually("the driver closes its reader", closed::get);
        assertTrue(produced.get() < 64L * 1024 * 1024, "produced " + produced.get() + " bytes");
        assertOk(stat("/"));
    }

    // WriteStream

    @Test
    void writeStreamReturnsBytesWritten() throws Exception {
        ScriptedDriver driver = serve(new ScriptedDriver());
        driver.store.putContent("/f", "0123456789".getBytes(UTF_8));
        HostCall call = peer.call(message("op", "WriteStream", "path", "/f", "offset", 10));
        byte[] content = randomBytes(500_000);
        call.sendContent(content);
        call.finishWrite();
        ObjectNode response = call.read();
        assertOk(response);
        assertEquals(content.length, response.path("written").asLong());
        call.expectEnd();
        assertEquals(10 + content.length, driver.store.stat("/f").size());
    }

    @Test
    void writeStreamPastSizeAnswersEarlyAndDrains() throws Exception {
        ScriptedDriver driver = serve(new ScriptedDriver());
        driver.store.putContent("/f", new byte[10]);
        HostCall call = peer.call(message("op", "WriteStream", "path", "/f", "offset", 11));
        ChunkedOutputStream content = call.content();
        for (int i = 0; i < 32; i++) {
            content.write(new byte[64 * 1024]);
        }
        content.finish();
        call.finishWrite();
        assertError("InvalidOffset", call.read());
        call.expectEnd();
        assertEquals(10, driver.store.stat("/f").size());
    }

    @Test
    void writeStreamNegativeOffsetIsInvalidOffset() throws Exception {
        ScriptedDriver driver = serve(new ScriptedDriver());
        HostCall call = peer.call(message("op", "WriteStream", "path", "/f", "offset", -5));
        call.sendContent(new byte[100]);
        call.finishWrite();
        assertError("InvalidOffset", call.read());
        assertEquals(0, driver.calls.get());
    }

    @Test
    void writeStreamResetKeepsBytesWritten() throws Exception {
        CountDownLatch received = new CountDownLatch(1);
        ScriptedDriver driver = serve(new ScriptedDriver() {
            @Override
            public long writeStream(String path, long offset, InputStream content) {
                InputStream counting = new InputStream() {
                    private long count;

                    @Override
                    public int read() throws IOException {
                        throw new UnsupportedOperationException();
                    }

                    @Override
                    public int read(byte[] target, int off, int length) throws IOException {
                        int n = content.read(target, off, length);
                        count += Math.max(n, 0);
                        if (count >= 65_536) {
                            received.countDown();
                        }
                        return n;
                    }
                };
                return super.writeStream(path, offset, counting);
            }
        });
        HostCall call = peer.call(message("op", "WriteStream", "path", "/f", "offset", 0));
        ChunkedOutputStream content = call.content();
        content.write(new byte[65_536]);
        content.flush();
        await(received);
        call.reset();
        eventually("the received bytes are stored", () -> {
            try {
                return driver.store.stat("/f").size() == 65_536;
            } catch (PathNotFoundException e) {
                return false;
            }
        });
        assertOk(stat("/f"));
    }

    // Writer

    @Test
    void writerCommitStoresContent() throws Exception {
        ScriptedDriver driver = serve(new ScriptedDriver());
        HostCall call = peer.call(message("op", "Writer", "path", "/w", "append", false));
        ObjectNode opened = call.read();
        assertOk(opened);
        assertEquals(0, opened.path("size").asLong());
        byte[] content = randomBytes(400_000);
        call.sendContent(content);
        call.send(message("action", "commit"));
        call.finishWrite();
        ObjectNode answer = call.read();
        assertOk(answer);
        assertEquals(content.length, answer.path("size").asLong());
        call.expectEnd();
        assertArrayEquals(content, driver.store.getContent("/w"));
    }

    @Test
    void writerCloseThenAppendResumes() throws Exception {
        ScriptedDriver driver = serve(new ScriptedDriver());
        HostCall first = peer.call(message("op", "Writer", "path", "/w", "append", false));
        assertOk(first.read());
        first.sendContent("hello".getBytes(UTF_8));
        first.send(message("action", "close"));
        first.finishWrite();
        assertEquals(5, first.read().path("size").asLong());
        assertThrows(PathNotFoundException.class, () -> driver.store.stat("/w"));

        HostCall second = peer.call(message("op", "Writer", "path", "/w", "append", true));
        assertEquals(5, second.read().path("size").asLong());
        second.sendContent(" world".getBytes(UTF_8));
        second.send(message("action", "commit"));
        second.finishWrite();
        assertEquals(11, second.read().path("size").asLong());
        assertEquals("hello world", new String(driver.store.getContent("/w"), UTF_8));
    }

    @Test
    void writerCancelDiscardsContent() throws Exception {
        ScriptedDriver driver = serve(new ScriptedDriver());
        HostCall call = peer.call(message("op", "Writer", "path", "/w", "append", false));
        assertOk(call.read());
        call.sendContent("abc".getBytes(UTF_8));
        call.send(message("action", "cancel"));
        call.finishWrite();
        assertOk(call.read());
        assertThrows(PathNotFoundException.class, () -> driver.store.stat("/w"));
        assertEquals(0, driver.store.writer("/w", true).size());
    }

    @Test
    void writerOnInvalidPathAnswersEarly() throws Exception {
        ScriptedDriver driver = serve(new ScriptedDriver());
        HostCall call = peer.call(message("op", "Writer", "path", "/", "append", false));
        assertError("InvalidPath", call.read());
        call.sendContent(new byte[1000]);
        call.finishWrite();
        call.expectEnd();
        assertEquals(0, driver.calls.get());
    }

    @Test
    void writerWithoutAppendFieldIsBadRequest() throws Exception {
        serve(new ScriptedDriver());
        HostCall call = peer.call(message("op", "Writer", "path", "/w", "append", "yes"));
        assertError("BadRequest", call.read());
    }

    @Test
    void writeFailureReportedAtAction() throws Exception {
        AtomicBoolean committed = new AtomicBoolean();
        AtomicBoolean closed = new AtomicBoolean();
        serve(new ScriptedDriver() {
            @Override
            public FileWriter writer(String path, boolean append) {
                return new FileWriter() {
                    private long size;

                    @Override
                    public void write(byte[] bytes, int offset, int length) {
                        if (size > 0) {
                            throw new IllegalStateException("disk full");
                        }
                        size += length;
                    }

                    @Override
                    public long size() {
                        return size;
                    }

                    @Override
                    public void commit() {
                        committed.set(true);
                    }

                    @Override
                    public void cancel() {}

                    @Override
                    public void close() {
                        closed.set(true);
                    }
                };
            }
        });
        HostCall call = peer.call(message("op", "Writer", "path", "/w", "append", false));
        assertOk(call.read());
        call.sendContent(new byte[5 * 64 * 1024]);
        call.send(message("action", "commit"));
        call.finishWrite();
        ObjectNode error = assertError("Internal", call.read());
        assertTrue(error.path("message").asText().contains("disk full"), error.toString());
        call.expectEnd();
        assertFalse(committed.get());
        assertTrue(closed.get());
    }

    @Test
    void writerResetKeepsContentAsClosed() throws Exception {
        CountDownLatch wrote = new CountDownLatch(1);
        ScriptedDriver driver = serve(new ScriptedDriver() {
            @Override
            public FileWriter writer(String path, boolean append) {
                FileWriter inner = super.writer(path, append);
                return new FileWriter() {
                    @Override
                    public void write(byte[] bytes, int offset, int length) {
                        inner.write(bytes, offset, length);
                        if (inner.size() >= 1000) {
                            wrote.countDown();
                        }
                    }

                    @Override
                    public long size() {
                        return inner.size();
                    }

                    @Override
                    public void commit() {
                        inner.commit();
                    }

                    @Override
                    public void cancel() {
                        inner.cancel();
                    }

                    @Override
                    public void close() {
                        inner.close();
                    }
                };
            }
        });
        HostCall call = peer.call(message("op", "Writer", "path", "/w", "append", false));
        assertOk(call.read());
        ChunkedOutputStream content = call.content();
        content.write(new byte[1000]);
        content.flush();
        await(wrote);
        call.reset();
        eventually("the writer keeps its content", () -> {
            FileWriter resumed = driver.store.writer("/w", true);
            long size = resumed.size();
            resumed.close();
            return size == 1000;
        });
        assertThrows(PathNotFoundException.class, () -> driver.store.stat("/w"));
    }

    @Test
    void writerUnknownActionIsBadRequest() throws Exception {
        ScriptedDriver driver = serve(new ScriptedDriver());
        HostCall call = peer.call(message("op", "Writer", "path", "/w", "append", false));
        assertOk(call.read());
        call.sendContent("abc".getBytes(UTF_8));
        call.send(message("action", "publish"));
        call.finishWrite();
        assertError("BadRequest", call.read());
        assertEquals(3, driver.store.writer("/w", true).size());
    }

    @Test
    void resetBeforeResponseCancelsCall() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch returned = new CountDownLatch(1);
        serve(new ScriptedDriver() {
            @Override
            public byte[] getContent(String path) {
                entered.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    returned.countDown();
                }
                return new byte[1000];
            }
        });
        HostCall call = peer.call(message("op", "GetContent", "path", "/slow"));
        await(entered);
        call.reset();
        release.countDown();
        await(returned);
        YamuxException e = assertThrows(YamuxException.class, call::read);
        assertEquals(YamuxException.Kind.STREAM_RESET, e.kind());
        assertOk(stat("/"));
    }
}

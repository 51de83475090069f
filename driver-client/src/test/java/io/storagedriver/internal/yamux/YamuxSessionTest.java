package io.storagedriver.internal.yamux;

import static io.storagedriver.internal.yamux.FrameHeader.FLAG_ACK;
import static io.storagedriver.internal.yamux.FrameHeader.FLAG_FIN;
import static io.storagedriver.internal.yamux.FrameHeader.FLAG_RST;
import static io.storagedriver.internal.yamux.FrameHeader.FLAG_SYN;
import static io.storagedriver.internal.yamux.FrameHeader.TYPE_DATA;
import static io.storagedriver.internal.yamux.FrameHeader.TYPE_GO_AWAY;
import static io.storagedriver.internal.yamux.FrameHeader.TYPE_PING;
import static io.storagedriver.internal.yamux.FrameHeader.TYPE_WINDOW_UPDATE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tests one session against a {@link MockYamuxPeer} over a real socketpair. The timeout only
 * guards against hangs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class YamuxSessionTest {
    private static final int WINDOW = 256 * 1024;
    private static final int MAX_WINDOW = 1024 * 1024;
    /** Delta that a default session adds to the initial window in its SYN and ACK frames. */
    private static final int EXTENSION = MAX_WINDOW - WINDOW;
    private static final int MAX_FRAME = 64 * 1024;
    /** ACK delay that no test step reaches, so that only the stream's own frames send the ACK. */
    private static final Duration LONG_ACK_DELAY = Duration.ofSeconds(10);
    private static final AtomicInteger SESSION_NUMBER = new AtomicInteger();

    private MockYamuxPeer peer;
    private YamuxSession session;
    private String sessionName;

    /** Runs a body on its own thread, so a test can watch it block, interrupt it or await it. */
    private static final class Task<T> {
        final Thread thread;
        final CompletableFuture<T> result = new CompletableFuture<>();

        Task(String name, Callable<T> body) {
            thread = new Thread(() -> {
                try {
                    result.complete(body.call());
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            }, name);
            thread.setDaemon(true);
            thread.start();
        }

        T get() throws Exception {
            try {
                return result.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                throw e;
            }
        }

        Throwable failure() throws InterruptedException {
            try {
                result.get();
                return null;
            } catch (ExecutionException e) {
                return e.getCause();
            }
        }

        /**
         * Waits until the thread has stayed parked for 20 checks 10 ms apart, for a writer that
         * parks and wakes while the socket still takes bytes, and stays parked once it is full.
         */
        void awaitBlockedForGood() throws InterruptedException {
            int parked = 0;
            while (parked < 20) {
                awaitBlocked();
                Thread.sleep(10);
                parked = thread.getState() == Thread.State.WAITING ? parked + 1 : 0;
            }
        }

        /** Waits until the thread parks, which it does only when it blocks. */
        void awaitBlocked() throws InterruptedException {
            while (thread.getState() != Thread.State.WAITING) {
                if (!thread.isAlive()) {
                    throw new AssertionError("thread ended instead of blocking: " + failure());
                }
                Thread.sleep(1);
            }
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        peer = new MockYamuxPeer();
        sessionName = "session-test-" + SESSION_NUMBER.incrementAndGet();
    }

    @AfterEach
    void tearDown() throws IOException {
        // Closing the peer first spares close() waiting for the peer to close its end.
        peer.closePeerEnd();
        if (session != null) {
            session.close();
        }
        peer.close();
    }

    private YamuxSession startClient() {
        return startClient(YamuxConfig.defaults());
    }

    private YamuxSession startClient(YamuxConfig config) {
        session = YamuxSession.client(peer.sessionChannel(), config.withName(sessionName));
        return session;
    }

    /** Opens a stream on the session and takes its SYN. */
    private YamuxStream openStream() throws IOException {
        YamuxStream stream = session.openStream();
        peer.takeFrame(TYPE_WINDOW_UPDATE, FLAG_SYN, stream.id(), EXTENSION);
        return stream;
    }

    /**
     * Opens a stream from the peer's side and returns it as accepted by the session. The session
     * sends the ACK alone once the ACK delay has passed, because the stream sends nothing.
     */
    private YamuxStream acceptPeerStream(int id) throws IOException {
        peer.sendFrame(TYPE_WINDOW_UPDATE, FLAG_SYN, id, 0);
        peer.takeFrame(TYPE_WINDOW_UPDATE, FLAG_ACK, id, EXTENSION);
        YamuxStream stream = session.acceptStream();
        assertEquals(id, stream.id());
        return stream;
    }

    /** Asserts that the session sent GoAway(protocol error), closed and failed with the message. */
    private YamuxException assertProtocolError(String message) throws Exception {
        peer.takeFrame(TYPE_GO_AWAY, 0, 0, FrameHeader.GO_AWAY_PROTOCOL_ERROR);
        peer.assertEndOfStreamOrReset();
        ExecutionException e =
                assertThrows(ExecutionException.class, () -> session.closeFuture().get());
        YamuxException failure = assertInstanceOf(YamuxException.class, e.getCause());
        assertEquals(YamuxException.Kind.PROTOCOL_ERROR, failure.kind());
        assertEquals(message, failure.getMessage());
        assertTrue(session.isClosed());
        return failure;
    }

    private static byte[] readFully(InputStream in, int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        assertEquals(length, bytes.length, "stream ended early");
        return bytes;
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void openStreamSendsSynWithWindowExtension() throws Exception {
        startClient();

        YamuxStream first = session.openStream();
        YamuxStream second = session.openStream();

        assertEquals(1, first.id());
        assertEquals(3, second.id());
        peer.takeFrame(TYPE_WINDOW_UPDATE, FLAG_SYN, 1, EXTENSION);
        peer.takeFrame(TYPE_WINDOW_UPDATE, FLAG_SYN, 3, EXTENSION);
    }

    @Test
    void serverOpensEvenStreamIds() throws Exception {
        session = YamuxSession.server(peer.sessionChannel(),
                YamuxConfig.defaults().withName(sessionName));

        YamuxStream stream = session.openStream();

        assertEquals(2, stream.id());
        peer.takeFrame(TYPE_WINDOW_UPDATE, FLAG_SYN, 2, EXTENSION);
    }

    @Test
    void incomingSynIsAcknowledgedAndAccepted() throws Exception {
        startClient();

        peer.sendFrame(TYPE_WINDOW_UPDATE, FLAG_SYN, 2, 0);

        peer.takeFrame(TYPE_WINDOW_UPDATE, FLAG_ACK, 2, EXTENSION);
        YamuxStream stream = session.acceptStream();
        assertEquals(2, stream.id());
    }

    @Test
    void dataFrameWithSynOpensStream() throws Exception {
        startClient();

        peer.sendData(2, FLAG_SYN, ascii("hello"));

        peer.takeFrame(TYPE_WINDOW_UPDATE, FLAG_ACK, 2, EXTENSION);
        YamuxStream stream = session.acceptStream();
        assertArrayEquals(ascii("hello"), readFully(stream.inputStream(), 5));
    }

    @Test
    void pingIsAnswered() throws Exception {
        startClient();

        peer.sendFrame(TYPE_PING, FLAG_SYN, 0, 0xcafebabe);

        peer.takeFrame(TYPE_PING, FLAG_ACK, 0, 0xcafebabe);
    }

    @Test
    void writeSplitsIntoMaxDataFrames() throws Exception {
        startClient(YamuxConfig.defaults().withMaxDataFrame(1000));
        YamuxStream stream = openStream();
        byte[] data = randomBytes(2500);

        stream.outputStream().write(data);

        assertEquals(1000, peer.takeFrame().length());
        assertEquals(1000, peer.takeFrame().length());
        assertEquals(500, peer.takeFrame().length());
    }

    @Test
    void writeAndCloseWriteSetsFinOnLastFrame() throws Exception {
        startClient(YamuxConfig.defaults().withMaxDataFrame(1000));
        YamuxStream stream = openStream();
        byte[] data = randomBytes(2500);

        stream.writeAndCloseWrite(data, 0, data.length);

        MockYamuxPeer.InFrame first = peer.takeFrame(TYPE_DATA, 0, 1, 1000);
        MockYamuxPeer.InFrame second = peer.takeFrame(TYPE_DATA, 0, 1, 1000);
        MockYamuxPeer.InFrame last = peer.takeFrame(TYPE_DATA, FLAG_FIN, 1, 500);
        assertArrayEquals(Arrays.copyOfRange(data, 0, 1000), first.payload(), "first frame");
        assertArrayEquals(Arrays.copyOfRange(data, 1000, 2000), second.payload(), "second frame");
        assertArrayEquals(Arrays.copyOfRange(data, 2000, 2500), last.payload(), "last frame");
        IOException later = assertThrows(IOException.class,
                () -> stream.outputStream().write(1), "write after writeAndCloseWrite");
        assertTrue(later.getMessage().contains("closed for writing"), later.getMessage());
        stream.closeWrite();
        peer.assertNothingSentBeforePingReply(3);
    }

    @Test
    void writeAndCloseWriteRemovesStreamAfterPeerFin() throws Exception {
        startClient();
        YamuxStream stream = acceptPeerStream(2);
        peer.sendFrame(TYPE_WINDOW_UPDATE, FLAG_FIN, 2, 0);
        peer.assertNothingSentBeforePingReply(4);

        stream.writeAndCloseWrite(ascii("bye"), 0, 3);

        assertArrayEquals(ascii("bye"), peer.takeFrame(TYPE_DATA, FLAG_FIN, 2, 3).payload());
        assertEquals(0, session.streamCount());
    }

    @Test
    void writeAndCloseWriteOfNothingSendsFin() throws Exception {
        startClient();
        YamuxStream stream = openStream();

        stream.writeAndCloseWrite(new byte[0], 0, 0);

        peer.takeFrame(TYPE_WINDOW_UPDATE, FLAG_FIN, 1, 0);
    }

    @Test
    void writerBlocksAtSendWindowUntilWindowUpdate() throws Exception {
        startClient();
        YamuxStream stream = openStream();
        byte[] data = randomBytes(MAX_WINDOW);

        Task<Void> writer = new Task<>("writer", () -> {
            stream.outputStream().write(data);
            return null;
        });
        byte[] firstWindow = peer.takeData(1, WINDOW, MAX_FRAME);
        writer.awaitBlocked();

        assertEquals(0, stream.sendWindow());
        peer.assertNothingSentBeforePingReply(1);
        assertFalse(writer.result.isDone());
        assertArrayEquals(Arrays.copyOf(data, WINDOW), firstWindow);

        peer.sendFrame(TYPE_WINDOW_UPDATE, 0, 1, MAX_WINDOW - WINDOW);
        byte[] rest = peer.takeData(1, MAX_WINDOW - WINDOW, MAX_FRAME);
        writer.get();
        assertArrayEquals(Arrays.copyOfRange(data, WINDOW, MAX_WINDOW), rest);
        assertEquals(0, stream.sendWindow());
    }

    @Test
    void windowExtensionInAckRaisesSendWindow() throws Exception {
        startClient();
        YamuxStream stream = openStream();

        peer.sendFrame(TYPE_WINDOW_UPDATE, FLAG_ACK, 1, 100);
        peer.assertNothingSentBeforePingReply(2);

        assertEquals(WINDOW + 100, stream.sendWindow());
    }

    @Test
    void dataFrameMayFillWholeReceiveWindow() throws Exception {
        startClient();
        YamuxStream stream = acceptPeerStream(2);
        byte[] data = randomBytes(MAX_WINDOW);

        peer.sendData(2, 0, data);

        assertArrayEquals(data, readFully(stream.inputStream(), MAX_WINDOW));
    }

    @Test
    void dataFrameLargerThanWindowIsProtocolError() throws Exception {
        startClient();
        YamuxStream stream = openStream();

        peer.sendFrame(TYPE_DATA, 0, 1, 2 * MAX_WINDOW);

        String message = "data frame of 2097152 bytes exceeds receive window 1048576 on stream 1";
        assertProtocolError(message);
        YamuxException readFailure =
                assertThrows(YamuxException.class, () -> stream.inputStream().read());
        assertEquals(YamuxException.Kind.PROTOCOL_ERROR, readFailure.kind());
        assertEquals(message, readFailure.getMessage());
        YamuxException writeFailure =
                assertThrows(YamuxException.class, () -> stream.outputStream().write(1));
        assertEquals(message, writeFailure.getMessage());
    }

    @Test
    void windowIsCountedAcrossFrames() throws Exception {
        startClient(YamuxConfig.defaults().withMaxReceiveWindow(WINDOW));
        session.openStream();
        peer.takeFrame(TYPE_WINDOW_UPDATE, FLAG_SYN, 1, 0);

        peer.sendData(1, 0, new byte[200_000]);
        // Header only: the session rejects the frame before its payload and closes the socket.
        peer.sendFrame(TYPE_DATA, 0, 1, 100_000);

        assertProtocolError("data frame of 100000 bytes exceeds receive window 62144 on stream 1");
    }

    @Test
    void unopenedLocalStreamIsProtocolError() throws Exception {
        startClient();
        openStream();

        peer.sendFrame(TYPE_WINDOW_UPDATE, 0, 7, 1000);

        assertProtocolError("WindowUpdate frame for stream 7, which was never opened");
    }

    @Test
    void dataForUnopenedPeerStreamIsProtocolError() throws Exception {
        startClient();

        peer.sendData(4, 0, ascii("x"));

        assertProtocolError("Data frame for stream 4, which was never opened");
    }

    @Test
    void frameOnStreamZeroIsProtocolError() throws Exception {
        startClient();

        peer.sendFrame(TYPE_WINDOW_UPDATE, 0, 0, 1);

        assertProtocolError("WindowUpdate frame on stream 0, which is reserved for the session");
    }

    @Test
    void synWithOwnParityIsProtocolError() throws Exception {
        startClient();

        peer.sendFrame(TYPE_WINDOW_UPDATE, FLAG_SYN, 3, 0);

        assertProtocolError("SYN on stream 3, but the peer opens only even stream ids");
    }

    @Test
    void synReusingIdIsProtocolError() throws Exception {
        startClient();
        acceptPeerStream(2);

        peer.sendFrame(TYPE_WINDOW_UPDATE, FLAG_SYN, 2, 0);

        assertProtocolError("SYN reuses stream id 2");
    }

    @Test
    void synsOutOfOrderAreAccepted() throws Exception {
        startClient();

        acceptPeerStream(6);
        acceptPeerStream(2);
        acceptPeerStream(4);
        peer.sendData(8, 0, ascii("x"));

        assertProtocolError("Data frame for stream 8, which was never opened");
    }

    @Test
    void unknownFrameTypeIsProtocolError() throws Exception {
        startClient();

        peer.sendBytes(new byte[] {0, 7, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0});

        assertProtocolError("unknown frame type 7 on stream 1");
    }

    @Test
    void badVersionIsProtocolError() throws Exception {
        startClient();

        peer.sendBytes(new byte[] {1, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0});

        assertProtocolError("unsupported yamux version 1 in frame header, expected 0");
    }

    @Test
    void windowUpdateOverflowIsProtocolError() throws Exception {
        startClient();
        openStream();

        peer.sendFrame(TYPE_WINDOW_UPDATE, 0, 1, 0x7fff_ffff);

        assertProtocolError(
                "window update of 2147483647 bytes overflows send window 262144 on stream 1");
    }

    @Test
    void acceptStreamThrowsAfterProtocolError() throws Exception {
        startClient();
        Task<YamuxStream> accept = new Task<>("accept", session::acceptStream);
        accept.awaitBlocked();

        peer.sendFrame(TYPE_WINDOW_UPDATE, 0, 9, 0);

        YamuxException failure = assertInstanceOf(YamuxException.class, accept.failure());
        assertEquals(YamuxException.Kind.PROTOCOL_ERROR, failure.kind());
        assertProtocolError("WindowUpdate frame for stream 9, which was never opened");
        assertThrows(YamuxException.class, session::openStream);
    }

    @Test
    void framesForClosedStreamAreIgnored() throws Exception {
        startClient();
        YamuxStream stream = openStream();
        stream.closeWrite();
        peer.takeFrame(TYPE_WINDOW_UPDATE, FLAG_FIN, 1, 0);
        peer.sendFrame(TYPE_WINDOW_UPDATE, FLAG_FIN, 1, 0);
        assertEquals(-1, stream.inputStream().read());

        peer.sendData(1, 0, ascii("late"));
        peer.sendFrame(TYPE_WINDOW_UPDATE, 0, 1, 4096);
        peer.sendFrame(TYPE_WINDOW_UPDATE, FLAG_RST, 1, 0);

        peer.assertNothingSentBeforePingReply(3);
        assertEquals(0, session.streamCount());
        assertFalse(session.isClosed());
    }

    @Test
    void streamsWithoutPeerFinAreBounded() throws Exception {
        startClient();
        int max = YamuxSession.MAX_AWAITING_PEER_FIN;
        for (int i = 0; i < max; i++) {
            YamuxStream stream = openStream();
            stream.close();
            peer.takeFrame(TYPE_WINDOW_UPDATE, FLAG_FIN, stream.id(), 0);
        }
        assertEquals(max, session.streamCount());

        YamuxStream last = openStream();
        last.close();

        peer.takeFrame(TYPE_WINDOW_UPDATE, FLAG_FIN, last.id(), 0);
        peer.takeFrame(TYPE_WINDOW_UPDATE, FLAG_RST, 1, 0);
        assertEquals(max, session.streamCount());
        peer.sendFrame(TYPE_WINDOW_UPDATE, FLAG_FIN, 3, 0);
        peer.assertNothingSentBeforePingReply(5);
        assertEquals(max - 1, session.streamCount());
        assertFalse(session.isClosed());
    }

    @Test
    void streamLeavesTableAfterBothFins() throws Exception {
        startClient();
        YamuxStream stream = acceptPeerStream(2);
        peer.sendFrame(TYPE_WINDOW_UPDATE, FLAG_FIN, 2, 0);
        peer.assertNothingSentBeforePingReply(4);
        assertEquals(1, session.streamCount());

        stream.closeWrite();

        peer.takeFrame(TYPE_WINDOW_UPDATE, FLAG_FIN, 2, 0);
        assertEquals(0, session.streamCount());
    }

    @Test
    void finGivesEndOfStreamAfterBufferedData() throws Exception {
        startClient();
        YamuxStream stream = acceptPeerStream(2);

        peer.sendData(2, 0, ascii("hello "));
        peer.sendData(2, FLAG_FIN, ascii("world"));

        InputStream in = stream.inputStream();
        assertArrayEquals(ascii("hello world"), readFully(in, 11));
        assertEquals(-1, in.read());
        assertEquals(-1, in.read(new byte[10]));
    }

    @Test
    void peerFinDoesNotStopWrites() throws Exception {
        startClient();
        YamuxStream stream = acceptPeerStream(2);
        peer.sendFrame(TYPE_WINDOW_UPDATE, FLAG_FIN, 2, 0);
        assertEquals(-1, stream.inputStream().read());

        stream.outputStream().write(ascii("reply"));

        assertArrayEquals(ascii("reply"), peer.takeFrame(TYPE_DATA, 0, 2, 5).payload());
    }

    @Test
    void writeAfterCloseWriteFails() throws Exception {
        startClient();
        YamuxStream stream = openStream();
        stream.outputStream().close();
        stream.closeWrite();
        peer.takeFrame(TYPE_WINDOW_UPDATE, FLAG_FIN, 1, 0);

        IOException e = assertThrows(IOException.class, () -> stream.outputStream().write(1));

        assertEquals("stream 1 is closed for writing", e.getMessage());
        peer.assertNothingSentBeforePingReply(5);
    }

    @Test
    void peerResetWakesBlockedReader() throws Exception {
        startClient();
        YamuxStream stream = openStream();
        Task<Integer> reader = new Task<>("reader", () -> stream.inputStream().read());
        reader.awaitBlocked();

        peer.sendFrame(TYPE_WINDOW_UPDATE, FLAG_RST, 1, 0);

        YamuxException failure = assertInstanceOf(YamuxException.class, reader.failure());
        assertEquals(YamuxException.Kind.STREAM_RESET, failure.kind());
        assertEquals("stream 1 was reset by the peer", failure.getMessage());
        assertTrue(stream.isReset());
        YamuxException writeFailure =
                assertThrows(YamuxException.class, () -> stream.outputStream().write(1));
        assertEquals(YamuxException.Kind.STREAM_RESET, writeFailure.kind());
    }

    @Test
    void peerResetWakesBlockedWriter() throws Exception {
        startClient();
        YamuxStream stream = openStream();
        Task<Void> writer = new Task<>("writer", () -> {
            stream.outputStream().write(new byte[2 * WINDOW]);
            return null;
        });
        peer.takeData(1, WINDOW, MAX_FRAME);
        writer.awaitBlocked();

        peer.sendFrame(TYPE_WINDOW_UPDATE, FLAG_RST, 1, 0);

        YamuxException failure = assertInstanceOf(YamuxException.class, writer.failure());
        assertEquals(YamuxException.Kind.STREAM_RESET, failure.kind());
        peer.assertNothingSentBeforePingReply(12);
        assertEquals(0, session.streamCount());
    }

    @Test
    void localResetSendsRstAndFailsStream() throws Exception {
        startClient();
        YamuxStream stream = acceptPeerStream(2);
        peer.sendData(2, 0, ascii("dropped"));
        peer.assertNothingSentBeforePingReply(6);
        assertEquals('d', stream.inputStream().read());

        stream.reset();
        stream.reset();

        peer.takeFrame(TYPE_WINDOW_UPDATE, FLAG_RST, 2, 0);
        peer.assertNothingSentBeforePingReply(7);
        assertTrue(stream.isReset());
        YamuxException readFailure =
                assertThrows(YamuxException.class, () -> stream.inputStream().read());
        assertEquals(YamuxException.Kind.STREAM_RESET, readFailure.kind());
        assertEquals("stream 2 was reset", readFailure.getMessage());
        YamuxException writeFailure =
                assertThrows(YamuxException.class, () -> stream.outputStream().write(1));
        assertEquals(YamuxException.Kind.STREAM_RESET, writeFailure.kind());
        assertEquals(0, session.streamCount());
    }

    @Test
    void resetWakesReaderBlockedOnOtherThread() throws Exception {
        startClient();
        YamuxStream stream = openStream();
        Task<Integer> reader = new Task<>("reader", () -> stream.inputStream().read());
        reader.awaitBlocked();

        stream.reset();

        YamuxException failure = assertInstanceOf(YamuxException.class, reader.failure());
        assertEquals(YamuxException.Kind.STREAM_RESET, failure.kind());
        peer.takeFrame(TYPE_WINDOW_UPDATE, FLAG_RST, 1, 0);
    }

    @Test
    void windowUpdateSentAfterHalfWindowConsumed() throws Exception {
        startClient();
        YamuxStream stream = acceptPeerStream(2);
        for (int i = 0; i < 8; i++) {
            peer.sendData(2, 0, new byte[MAX_FRAME]);
        }
        InputStream in = stream.inputStream();

        readFully(in, MAX_WINDOW / 2 - 1);
        peer.assertNothingSentBeforePingReply(8);
        readFully(in, 1);

        peer.takeFrame(TYPE_WINDOW_UPDATE, 0, 2, MAX_WINDOW / 2);
    }

    @Test
    void closedInputReturnsWindowOfDiscardedData() throws Exception {
        startClient();
        YamuxStream stream = acceptPeerStream(2);
        peer.sendData(2, 0, new byte[MAX_WINDOW / 2]);
        peer.assertNothingSentBeforePingReply(9);

        stream.inputStream().close();

        peer.takeFrame(TYPE_WINDOW_UPDATE, 0, 2, MAX_WINDOW / 2);
        IOException e = assertThrows(IOException.class, () -> stream.inputStream().read());
        assertEquals("stream 2 is closed for reading", e.getMessage());
    }

    @Test
    void peerGoAwayStopsNewStreams() throws Exception {
        startClient();
        YamuxStream existing = openStream();

        peer.sendFrame(TYPE_GO_AWAY, 0, 0, FrameHeader.GO_AWAY_NORMAL);

        assertNull(session.acceptStream());
        YamuxException e = assertThrows(YamuxException.class, session::openStream);
        assertEquals(YamuxException.Kind.SESSION_CLOSED, e.kind());
        assertEquals("peer sent GoAway: no new streams can be opened", e.getMessage());
        peer.sendData(1, 0, ascii("still open"));
        assertArrayEquals(ascii("still open"), readFully(existing.inputStream(), 10));
        assertFalse(session.isClosed());
    }

    @Test
    void localGoAwayResetsNewPeerStreams() throws Exception {
        startClient();

        session.goAway();
        session.goAway();

        peer.takeFrame(TYPE_GO_AWAY, 0, 0, FrameHeader.GO_AWAY_NORMAL);
        assertNull(session.acceptStream());
        assertThrows(YamuxException.class, session::openStream);
        peer.sendData(2, FLAG_SYN, ascii("rejected"));
        peer.takeFrame(TYPE_WINDOW_UPDATE, FLAG_RST, 2, 0);
        peer.assertNothingSentBeforePingReply(10);
    }

    @Test
    void peerGoAwayWithErrorFailsSession() throws Exception {
        startClient();
        YamuxStream stream = openStream();

        peer.sendFrame(TYPE_GO_AWAY, 0, 0, FrameHeader.GO_AWAY_PROTOCOL_ERROR);

        peer.assertEndOfStreamOrReset();
        ExecutionException e =
                assertThrows(ExecutionException.class, () -> session.closeFuture().get());
        YamuxException failure = assertInstanceOf(YamuxException.class, e.getCause());
        assertEquals(YamuxException.Kind.PROTOCOL_ERROR, failure.kind());
        assertEquals("peer ended the session with GoAway code 1 (protocol error)",
                failure.getMessage());
        assertThrows(YamuxException.class, () -> stream.inputStream().read());
        assertThrows(YamuxException.class, session::acceptStream);
    }

    @Test
    void endOfStreamFailsOpenStreams() throws Exception {
        startClient();
        YamuxStream stream = openStream();
        peer.sendData(1, 0, ascii("last words"));

        peer.shutdownOutput();

        session.closeFuture().get();
        InputStream in = stream.inputStream();
        assertArrayEquals(ascii("last words"), readFully(in, 10));
        YamuxException e = assertThrows(YamuxException.class, () -> in.read());
        assertEquals(YamuxException.Kind.SESSION_CLOSED, e.kind());
        assertEquals("session closed: peer closed the connection", e.getMessage());
        YamuxException writeFailure =
                assertThrows(YamuxException.class, () -> stream.outputStream().write(1));
        assertEquals(YamuxException.Kind.SESSION_CLOSED, writeFailure.kind());
        assertNull(session.acceptStream());
        assertTrue(session.isClosed());
    }

    @Test
    void peerCloseAfterGoAwayIsNormalEnd() throws Exception {
        startClient();
        YamuxStream stream = openStream();
        stream.outputStream().write(new byte[100_000]);
        peer.sendFrame(TYPE_GO_AWAY, 0, 0, FrameHeader.GO_AWAY_NORMAL);
        assertNull(session.acceptStream());

        // The session's data frames stay unread, so the session may read a connection reset.
        peer.closePeerEnd();

        session.closeFuture().get();
        YamuxException e = assertThrows(YamuxException.class, () -> stream.inputStream().read());
        assertEquals("session closed: peer closed the connection", e.getMessage());
    }

    @Test
    void interruptedReaderGetsInterruptedIOException() throws Exception {
        startClient();
        YamuxStream stream = openStream();
        Task<Boolean> reader = new Task<>("reader", () -> {
            try {
                stream.inputStream().read();
                return false;
            } catch (InterruptedIOException e) {
                return Thread.currentThread().isInterrupted();
            }
        });
        reader.awaitBlocked();

        reader.thread.interrupt();

        assertTrue(reader.get(), "interrupt status is kept");
        assertFalse(stream.isReset());
        peer.sendData(1, 0, ascii("after"));
        assertArrayEquals(ascii("after"), readFully(stream.inputStream(), 5));
    }

    @Test
    void interruptedWriterGetsInterruptedIOException() throws Exception {
        startClient();
        YamuxStream stream = openStream();
        Task<Void> writer = new Task<>("writer", () -> {
            stream.outputStream().write(new byte[WINDOW + 1]);
            return null;
        });
        peer.takeData(1, WINDOW, MAX_FRAME);
        writer.awaitBlocked();

        writer.thread.interrupt();

        assertInstanceOf(InterruptedIOException.class, writer.failure());
        peer.sendFrame(TYPE_WINDOW_UPDATE, 0, 1, 10);
        stream.outputStream().write(ascii("ok"));
        peer.takeFrame(TYPE_DATA, 0, 1, 2);
    }

    @Test
    void pendingInterruptDoesNotCloseChannel() throws Exception {
        startClient();
        YamuxStream stream = openStream();

        Thread.currentThread().interrupt();
        try {
            stream.outputStream().write(ascii("sent"));
            stream.closeWrite();
        } finally {
            assertTrue(Thread.interrupted());
        }

        peer.takeFrame(TYPE_DATA, 0, 1, 4);
        peer.takeFrame(TYPE_WINDOW_UPDATE, FLAG_FIN, 1, 0);
        peer.assertNothingSentBeforePingReply(11);
    }

    @Test
    void closeSendsGoAwayAndStopsThreads() throws Exception {
        startClient();
        YamuxStream stream = openStream();

        Task<Void> close = new Task<>("close", () -> {
            session.close();
            return null;
        });

        // The session shuts down its output and then waits for the peer to close its end.
        peer.takeFrame(TYPE_GO_AWAY, 0, 0, FrameHeader.GO_AWAY_NORMAL);
        peer.assertEndOfStream();
        peer.closePeerEnd();
        close.get();
        session.close();
        assertTrue(session.isClosed());
        session.closeFuture().get();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            assertFalse(thread.getName().endsWith("-" + sessionName) && thread.isAlive(),
                    "thread still alive: " + thread.getName());
        }
        YamuxException e = assertThrows(YamuxException.class, () -> stream.inputStream().read());
        assertEquals(YamuxException.Kind.SESSION_CLOSED, e.kind());
        assertEquals("session closed", e.getMessage());
        assertNull(session.acceptStream());
    }

    @Test
    void resetWakesWriterWaitingForSendBuffer() throws Exception {
        startClient();
        YamuxStream stream = openStream();
        // A window far larger than the send buffer, so the writer waits for buffer room.
        peer.sendFrame(TYPE_WINDOW_UPDATE, 0, 1, 64 * MAX_WINDOW);
        peer.assertNothingSentBeforePingReply(13);
        Task<Void> writer = new Task<>("writer", () -> {
            stream.outputStream().write(new byte[32 * MAX_WINDOW]);
            return null;
        });
        writer.awaitBlockedForGood();

        stream.reset();

        YamuxException failure = assertInstanceOf(YamuxException.class, writer.failure());
        assertEquals(YamuxException.Kind.STREAM_RESET, failure.kind());
        assertFalse(session.isClosed(), "the session closed with the stream");
    }

    @Test
    void unreadControlFramesAreProtocolError() throws Exception {
        startClient();
        ByteBuffer pings = ByteBuffer.allocate(200_000 * FrameHeader.SIZE);
        for (int i = 0; i < 200_000; i++) {
            FrameHeader.of(TYPE_PING, FLAG_SYN, 0, i).encode(pings);
        }
        Task<Void> sender = new Task<>("ping sender", () -> {
            peer.sendBytes(pings.array());
            return null;
        });

        ExecutionException e =
                assertThrows(ExecutionException.class, () -> session.closeFuture().get());

        YamuxException failure = assertInstanceOf(YamuxException.class, e.getCause());
        assertEquals(YamuxException.Kind.PROTOCOL_ERROR, failure.kind());
        assertTrue(failure.getMessage().startsWith("the peer stopped reading its socket"),
                failure.getMessage());
        sender.failure();
    }

    @Test
    void closeEndsThreadsOfSilentPeer() throws Exception {
        startClient();
        YamuxStream stream = openStream();
        peer.sendFrame(TYPE_WINDOW_UPDATE, 0, 1, 64 * MAX_WINDOW);
        peer.assertNothingSentBeforePingReply(14);
        Task<Void> writer = new Task<>("writer", () -> {
            stream.outputStream().write(new byte[32 * MAX_WINDOW]);
            return null;
        });
        writer.awaitBlockedForGood();

        session.close();

        assertInstanceOf(YamuxException.class, writer.failure());

        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            assertFalse(thread.getName().endsWith("-" + sessionName) && thread.isAlive(),
                    "thread still alive: " + thread.getName());
        }
    }

    @Test
    void closeFlushesQueuedData() throws Exception {
        startClient();
        YamuxStream stream = openStream();
        stream.outputStream().write(ascii("queued"));
        stream.closeWrite();

        Task<Void> close = new Task<>("close", () -> {
            session.close();
            return null;
        });

        peer.takeFrame(TYPE_DATA, 0, 1, 6);
        peer.takeFrame(TYPE_WINDOW_UPDATE, FLAG_FIN, 1, 0);
        peer.takeFrame(TYPE_GO_AWAY, 0, 0, FrameHeader.GO_AWAY_NORMAL);
        peer.assertEndOfStream();
        peer.closePeerEnd();
        close.get();
    }

    /**
     * Channel in front of the session's end of the socketpair that records the size of every
     * write, before the write reaches the socket and so before the peer can read its bytes.
     */
    private static final class WriteRecordingChannel implements ByteChannel {
        private final ByteChannel delegate;
        private final List<Integer> writeSizes = new ArrayList<>();

        WriteRecordingChannel(ByteChannel delegate) {
            this.delegate = delegate;
        }

        synchronized List<Integer> writeSizes() {
            return List.copyOf(writeSizes);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return delegate.read(dst);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            synchronized (this) {
                writeSizes.add(src.remaining());
            }
            return delegate.write(src);
        }

        @Override
        public boolean isOpen() {
            return delegate.isOpen();
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }

    /** Lets the peer open stream 2 and returns it as accepted, with its ACK still deferred. */
    private YamuxStream acceptWithDeferredAck() throws IOException {
        peer.sendFrame(TYPE_WINDOW_UPDATE, FLAG_SYN, 2, 0);
        YamuxStream stream = session.acceptStream();
        assertEquals(2, stream.id());
        return stream;
    }

    @Test
    void deferredAckTravelsWithFirstDataFrame() throws Exception {
        WriteRecordingChannel channel = new WriteRecordingChannel(peer.sessionChannel());
        session = YamuxSession.client(channel,
                YamuxConfig.defaults().withAckDelay(LONG_ACK_DELAY).withName(sessionName));
        YamuxStream stream = acceptWithDeferredAck();
        peer.assertNothingSentBeforePingReply(20);

        stream.outputStream().write(ascii("hello"));

        peer.takeFrame(TYPE_WINDOW_UPDATE, FLAG_ACK, 2, EXTENSION);
        MockYamuxPeer.InFrame data = peer.takeFrame(TYPE_DATA, 0, 2, 5);
        assertArrayEquals(ascii("hello"), data.payload());
        int pingReply = FrameHeader.SIZE;
        int ackAndData = 2 * FrameHeader.SIZE + 5;
        assertEquals(List.of(pingReply, ackAndData), channel.writeSizes());
    }

    @Test
    void deferredAckTravelsWithFin() throws Exception {
        startClient(YamuxConfig.defaults().withAckDelay(LONG_ACK_DELAY));
        YamuxStream stream = acceptWithDeferredAck();
        peer.assertNothingSentBeforePingReply(21);

        stream.closeWrite();

        peer.takeFrame(TYPE_WINDOW_UPDATE, FLAG_ACK | FLAG_FIN, 2, EXTENSION);
        peer.assertNothingSentBeforePingReply(22);
    }

    @Test
    void deferredAckTravelsWithRst() throws Exception {
        startClient(YamuxConfig.defaults().withAckDelay(LONG_ACK_DELAY));
        YamuxStream stream = acceptWithDeferredAck();
        peer.assertNothingSentBeforePingReply(23);

        stream.reset();

        peer.takeFrame(TYPE_WINDOW_UPDATE, FLAG_ACK | FLAG_RST, 2, 0);
        peer.assertNothingSentBeforePingReply(24);
    }

    @Test
    void deferredAckSentOnceHalfInitialWindowArrives() throws Exception {
        startClient(YamuxConfig.defaults().withAckDelay(LONG_ACK_DELAY));
        peer.sendData(2, FLAG_SYN, new byte[WINDOW / 2 - 1]);
        peer.assertNothingSentBeforePingReply(25);

        peer.sendData(2, 0, new byte[1]);

        // The application has not even accepted the stream yet.
        peer.takeFrame(TYPE_WINDOW_UPDATE, FLAG_ACK, 2, EXTENSION);
        YamuxStream stream = session.acceptStream();
        stream.outputStream().write(1);
        peer.takeFrame(TYPE_DATA, 0, 2, 1);
    }

    @Test
    void deferredAckSentAloneAfterAckDelay() throws Exception {
        Duration ackDelay = Duration.ofMillis(300);
        startClient(YamuxConfig.defaults().withAckDelay(ackDelay));
        long start = System.nanoTime();

        YamuxStream stream = acceptWithDeferredAck();
        peer.assertNothingSentBeforePingReply(26);

        peer.takeFrame(TYPE_WINDOW_UPDATE, FLAG_ACK, 2, EXTENSION);
        assertTrue(System.nanoTime() - start >= ackDelay.toNanos());
        stream.outputStream().write(1);
        peer.takeFrame(TYPE_DATA, 0, 2, 1);
    }

    @Test
    void peerResetDropsDeferredAck() throws Exception {
        Duration ackDelay = Duration.ofMillis(100);
        startClient(YamuxConfig.defaults().withAckDelay(ackDelay));
        acceptWithDeferredAck();

        peer.sendFrame(TYPE_WINDOW_UPDATE, FLAG_RST, 2, 0);
        Thread.sleep(3 * ackDelay.toMillis());

        peer.assertNothingSentBeforePingReply(27);
    }

    @Test
    void zeroAckDelaySendsAckOnSyn() throws Exception {
        startClient(YamuxConfig.defaults().withAckDelay(Duration.ZERO));

        peer.sendFrame(TYPE_WINDOW_UPDATE, FLAG_SYN, 2, 0);

        peer.takeFrame(TYPE_WINDOW_UPDATE, FLAG_ACK, 2, EXTENSION);
        assertEquals(2, session.acceptStream().id());
    }

    @Test
    void eachWaitingAcceptorGetsOneStream() throws Exception {
        startClient();
        Task<Integer> first = new Task<>("acceptor-1", () -> session.acceptStream().id());
        Task<Integer> second = new Task<>("acceptor-2", () -> session.acceptStream().id());
        first.awaitBlocked();
        second.awaitBlocked();

        peer.sendFrame(TYPE_WINDOW_UPDATE, FLAG_SYN, 2, 0);
        peer.sendFrame(TYPE_WINDOW_UPDATE, FLAG_SYN, 4, 0);

        assertEquals(6, first.get() + second.get());
    }
}

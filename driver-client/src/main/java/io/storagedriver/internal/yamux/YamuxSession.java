package io.storagedriver.internal.yamux;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A yamux session: many {@link YamuxStream}s multiplexed over one blocking byte channel, following
 * HashiCorp's yamux specification (github.com/hashicorp/yamux, spec.md). The client side opens
 * odd stream ids and the server side even ones.
 *
 * <h2>Threads</h2>
 * The reader thread {@code yamux-reader-<name>} decodes incoming frames and dispatches them to
 * streams. It blocks only in channel reads, so incoming data keeps flowing however slowly the
 * application reads: each stream buffers up to its receive window. No thread waits to queue a
 * control frame: a peer that leaves the 64 KiB reserved for them unread ends the session with a
 * protocol error, because it stopped reading its socket. The writer thread
 * {@code yamux-writer-<name>} is the only thread that writes to the channel. Everyone else encodes
 * frames into the {@link SendBuffer}, so an interrupt never closes the channel. The writer thread
 * also queues the deferred ACKs that are due (see {@link YamuxConfig#ackDelay()}). Both threads
 * are daemons and end when the session ends.
 *
 * <h2>Locks</h2>
 * <ul>
 *   <li>{@link #lock}, the session lock, guards the stream table, the accept queue, the stream id
 *       bookkeeping, the GoAway flags and the end state. No thread blocks while holding it, except
 *       {@link #acceptStream()} waiting on its condition, which releases it.
 *   <li>Each stream's own lock guards that stream's receive buffer, windows and state flags.
 *   <li>{@code sendBuffer.lock} guards the outgoing ring, {@link #frameWriter},
 *       {@link #deferredAcks} and each stream's {@code finQueued}, {@code rstQueued},
 *       {@code ackDeferred} and {@code ackDeadline}. Producers wait on its conditions for room.
 *   <li>{@link #openLock} serializes {@link #openStream()} so that SYN frames leave in stream id
 *       order.
 * </ul>
 * Lock order: {@code openLock} first. Under it, {@code openStream} takes the session lock and then,
 * after releasing it, the send buffer lock. Apart from that, no thread holds two of these locks at
 * once: the session lock, a stream lock and the send buffer lock are always taken one at a time.
 */
public final class YamuxSession implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(YamuxSession.class);

    /**
     * Maximum peer stream ids that are skipped and may still be opened later. Go's yamux
     * (session.go, OpenStream) takes an id by compare-and-swap and sends its SYN afterwards, so
     * SYNs of streams opened at once by several goroutines can arrive out of id order.
     */
    static final int MAX_SKIPPED_PEER_IDS = 1024;
    /**
     * Maximum number of streams that this side closed while the peer has not sent FIN. Beyond it
     * the oldest is reset. A peer that sends FIN right after its last data keeps far fewer
     * waiting.
     */
    static final int MAX_AWAITING_PEER_FIN = 1024;

    /** Maximum time that ending a session waits for queued frames to be written. */
    static final long FLUSH_TIMEOUT_MILLIS = 1000;

    /** Maximum time that ending a session waits for a thread after closing the channel. */
    private static final long JOIN_TIMEOUT_MILLIS = 10_000;

    private static final int NO_GO_AWAY = -1;

    private final ByteChannel channel;
    private final YamuxConfig config;
    private final boolean client;
    /** Whether the caller runs the read loop and flushes frames itself; see {@link #inline}. */
    private final boolean inline;
    private final FrameReader frameReader;
    private final SendBuffer sendBuffer;
    private final FrameWriter frameWriter;
    private final Thread readerThread;
    private final Thread writerThread;
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private final AtomicBoolean terminating = new AtomicBoolean();
    private final CountDownLatch terminationStarted = new CountDownLatch(1);
    private final ReentrantLock openLock = new ReentrantLock();
    /** Streams that received data since the reader thread last woke their readers. */
    private final ArrayList<YamuxStream> streamsToSignal = new ArrayList<>();
    /**
     * Peer-opened streams whose ACK was deferred, in the order of their SYNs and so of their
     * deadlines. It may still hold streams whose ACK went out with another frame. Guarded by
     * {@code sendBuffer.lock}.
     */
    private final ArrayDeque<YamuxStream> deferredAcks = new ArrayDeque<>();

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a stream is queued for accepting, on GoAway and when the session ends. */
    private final Condition acceptable = lock.newCondition();
    private final Map<Integer, YamuxStream> streams = new HashMap<>();
    /**
     * Streams that this side closed in both directions while the peer had not sent FIN, oldest
     * first. They stay in {@link #streams} until the peer's FIN or RST arrives.
     */
    private final LinkedHashSet<YamuxStream> awaitingPeerFin = new LinkedHashSet<>();
    private boolean warnedAboutMissingFin;
    private final ArrayDeque<YamuxStream> acceptQueue = new ArrayDeque<>();
    /** Peer stream ids below {@link #highestPeerId} that were not opened yet. */
    private final Set<Integer> skippedPeerIds = new HashSet<>();
    /** Unsigned id of the next stream this side opens. */
    private long nextLocalId;
    /** Highest unsigned id the peer opened, or the id below its first one. */
    private long highestPeerId;
    private boolean localGoAway;
    private boolean remoteGoAway;
    /** Set once when the session ends; streams and callers then get this failure. */
    private YamuxException endCause;
    private boolean endedWithError;

    private YamuxSession(ByteChannel channel, YamuxConfig config, boolean client) {
        this(channel, config, client, false, FrameReader.DEFAULT_BUFFER_SIZE);
    }

    private YamuxSession(ByteChannel channel, YamuxConfig config, boolean client, boolean inline,
            int readBufferSize) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(config, "config");
        if (channel instanceof SelectableChannel selectable && !selectable.isBlocking()) {
            throw new IllegalArgumentException("channel must be in blocking mode");
        }
        this.channel = channel;
        this.config = config;
        this.client = client;
        this.nextLocalId = client ? 1 : 2;
        this.highestPeerId = client ? 0 : -1;
        this.inline = inline;
        this.frameReader = new FrameReader(channel, readBufferSize, !inline, config.name(),
                inline ? this::beforeInlineRead : this::signalQueuedStreams);
        this.sendBuffer = inline
                ? new SendBuffer(2 * SendBuffer.CONTROL_RESERVE
                        + FrameHeader.SIZE + config.maxDataFrame(), false)
                : new SendBuffer(SendBuffer.capacityFor(config.maxDataFrame()));
        this.frameWriter = new FrameWriter(sendBuffer, config.maxDataFrame(), config.name());
        this.readerThread = new Thread(this::readLoop, "yamux-reader-" + config.name());
        this.readerThread.setDaemon(true);
        this.writerThread = new Thread(this::writeLoop, "yamux-writer-" + config.name());
        this.writerThread.setDaemon(true);
    }

    /**
     * Starts the client side of a session, which opens odd stream ids. The host that launches a
     * driver is the client. The session owns {@code channel}, which must be blocking.
     */
    public static YamuxSession client(ByteChannel channel, YamuxConfig config) {
        return start(new YamuxSession(channel, config, true));
    }

    /** Starts the server side of a session, which opens even stream ids; see {@link #client}. */
    public static YamuxSession server(ByteChannel channel, YamuxConfig config) {
        return start(new YamuxSession(channel, config, false));
    }

    /**
     * Creates a session that starts no threads, for tests that drive many sessions quickly: the
     * caller runs the read loop with {@link #runInline()}, and queued frames are written to the
     * channel before each channel read and at the end instead of by a writer thread. Stream
     * writes must then fit the send window and the send buffer, or they wait forever. The
     * buffers are on the heap, and the read buffer has {@code readBufferSize} bytes.
     */
    static YamuxSession inline(ByteChannel channel, YamuxConfig config, boolean client,
            int readBufferSize) {
        return new YamuxSession(channel, config, client, true, readBufferSize);
    }

    /**
     * Runs the read loop of an {@link #inline} session on the calling thread until the session
     * ends.
     */
    void runInline() {
        if (!inline) {
            throw new IllegalStateException("session " + config.name() + " has a reader thread");
        }
        readLoop();
    }

    /** Writes the frames queued so far to the channel; for {@link #inline} sessions only. */
    void flushInline() {
        try {
            sendBuffer.flushTo(channel, this::queueDueAcks);
        } catch (IOException e) {
            terminateAfterIoFailure("write to", e);
        }
    }

    private void beforeInlineRead() {
        signalQueuedStreams();
        flushInline();
    }

    /**
     * Returns a stream that the peer opened and nobody accepted yet, or null if there is none;
     * never waits. For {@link #inline} sessions, whose thread must not block.
     */
    YamuxStream pollAccepted() {
        lock.lock();
        try {
            return acceptQueue.poll();
        } finally {
            lock.unlock();
        }
    }

    private static YamuxSession start(YamuxSession session) {
        session.writerThread.start();
        session.readerThread.start();
        log.debug("yamux session {} started as {}", session.config.name(),
                session.client ? "client" : "server");
        return session;
    }

    /**
     * Opens a stream by sending a window update with SYN, which also grants the peer the receive
     * window beyond the initial 256 KiB. Does not wait for the peer's ACK, so data can follow at
     * once.
     *
     * @throws YamuxException if either side sent GoAway or the session ended
     */
    public YamuxStream openStream() throws IOException {
        openLock.lock();
        try {
            YamuxStream stream;
            lock.lock();
            try {
                checkCanOpen();
                stream = new YamuxStream(this, (int) nextLocalId, config);
                nextLocalId += 2;
                streams.put(stream.id(), stream);
            } finally {
                lock.unlock();
            }
            try {
                sendControl(FrameHeader.TYPE_WINDOW_UPDATE, FrameHeader.FLAG_SYN, stream.id(),
                        windowExtension());
            } catch (YamuxException e) {
                removeStream(stream);
                throw e;
            }
            return stream;
        } finally {
            openLock.unlock();
        }
    }

    private void checkCanOpen() throws IOException {
        if (endCause != null) {
            throw endCause.rethrowable();
        }
        if (remoteGoAway) {
            throw new YamuxException(YamuxException.Kind.SESSION_CLOSED,
                    "peer sent GoAway: no new streams can be opened");
        }
        if (localGoAway) {
            throw new YamuxException(YamuxException.Kind.SESSION_CLOSED,
                    "this side sent GoAway: no new streams can be opened");
        }
        if (nextLocalId > 0xFFFF_FFFFL) {
            throw new IOException("all stream ids of session " + config.name()
                    + " are used; open a new session");
        }
    }

    /**
     * Blocks until the peer opens a stream and returns it. Returns null once no more streams will
     * come because either side sent GoAway or the session ended normally.
     *
     * @throws YamuxException if the session ended with an error
     * @throws InterruptedIOException if the thread is interrupted while waiting
     */
    public YamuxStream acceptStream() throws IOException {
        lock.lock();
        try {
            while (true) {
                if (endCause != null) {
                    if (endedWithError) {
                        throw endCause.rethrowable();
                    }
                    return null;
                }
                YamuxStream stream = acceptQueue.poll();
                if (stream != null) {
                    return stream;
                }
                if (remoteGoAway || localGoAway) {
                    return null;
                }
                try {
                    acceptable.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while accepting a stream");
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends GoAway with the normal code. Afterwards this side opens no streams and resets streams
     * that the peer opens; existing streams continue. Later calls do nothing.
     *
     * @throws YamuxException if the session ended
     */
    public void goAway() throws IOException {
        lock.lock();
        try {
            if (endCause != null) {
                throw endCause.rethrowable();
            }
            if (localGoAway) {
                return;
            }
            localGoAway = true;
            acceptable.signalAll();
        } finally {
            lock.unlock();
        }
        sendControl(FrameHeader.TYPE_GO_AWAY, 0, 0, FrameHeader.GO_AWAY_NORMAL);
    }

    /**
     * Ends the session: fails open streams with SESSION_CLOSED, sends GoAway unless already sent,
     * and waits up to one second for queued frames to be written. For a socket channel it then
     * shuts down the output and waits up to one more second for the peer to close its end, so
     * that the peer reads end of stream rather than a connection reset; it skips that wait when
     * the frames could not be written, because the peer reads nothing. Finally it shuts the
     * socket down, closes the channel and waits for the reader and writer threads to end. Later
     * calls do nothing.
     */
    @Override
    public void close() {
        int goAwayCode;
        lock.lock();
        try {
            goAwayCode = localGoAway ? NO_GO_AWAY : FrameHeader.GO_AWAY_NORMAL;
            localGoAway = true;
        } finally {
            lock.unlock();
        }
        terminate(new YamuxException(YamuxException.Kind.SESSION_CLOSED, "session closed"),
                false, goAwayCode);
        joinQuietly(readerThread, JOIN_TIMEOUT_MILLIS);
        joinQuietly(writerThread, JOIN_TIMEOUT_MILLIS);
    }

    /** Returns whether the session has ended or is ending. */
    public boolean isClosed() {
        return terminating.get();
    }

    /**
     * Returns a future that completes when the session has ended: normally after {@link #close()}
     * or the peer's clean end of stream, exceptionally with the {@link YamuxException} that ended
     * the session otherwise.
     */
    public CompletableFuture<Void> closeFuture() {
        return closeFuture.copy();
    }

    @Override
    public String toString() {
        return "YamuxSession[" + config.name() + ", " + (client ? "client" : "server") + "]";
    }

    // Called by streams.

    YamuxConfig config() {
        return config;
    }

    /**
     * Queues one data frame, with FIN if {@code fin}, waiting for room in the send buffer. A reset
     * of the stream ends the wait, so that a call timeout can fail a write to a peer that stopped
     * reading.
     */
    void writeData(YamuxStream stream, byte[] src, int offset, int length, boolean fin)
            throws IOException {
        sendBuffer.lock.lock();
        try {
            sendBuffer.awaitRoomForData(FrameHeader.SIZE + length, () -> stream.rstQueued);
            if (stream.rstQueued) {
                throw new YamuxException(YamuxException.Kind.STREAM_RESET,
                        "stream " + Integer.toUnsignedString(stream.id()) + " was reset");
            }
            if (stream.finQueued) {
                throw new IOException("stream " + Integer.toUnsignedString(stream.id())
                        + " is closed for writing");
            }
            if (stream.ackDeferred) {
                // The data frame's wait for room left the control reserve, where the ACK fits.
                queueStreamControl(stream, 0, 0);
            }
            frameWriter.data(stream.id(), fin ? FrameHeader.FLAG_FIN : 0, src, offset, length);
            if (fin) {
                stream.finQueued = true;
            }
        } finally {
            sendBuffer.lock.unlock();
        }
    }

    /**
     * Queues a window update, which carries the stream's ACK if that is still deferred.
     *
     * @throws YamuxException if the session ended, or ends now because the peer stopped reading
     */
    void sendWindowUpdate(YamuxStream stream, int delta) throws YamuxException {
        int unread;
        sendBuffer.lock.lock();
        try {
            if (sendBuffer.hasRoomForControl()) {
                queueStreamControl(stream, 0, delta);
                return;
            }
            unread = sendBuffer.queuedBytes();
        } finally {
            sendBuffer.lock.unlock();
        }
        throw peerStoppedReading(unread);
    }

    /**
     * Queues FIN unless FIN or RST was queued before. The FIN carries the stream's ACK if that is
     * still deferred.
     *
     * @throws YamuxException if the session ended, or ends now because the peer stopped reading
     */
    void sendFin(YamuxStream stream) throws YamuxException {
        int unread;
        sendBuffer.lock.lock();
        try {
            if (stream.finQueued || stream.rstQueued) {
                return;
            }
            if (sendBuffer.hasRoomForControl()) {
                stream.finQueued = true;
                queueStreamControl(stream, FrameHeader.FLAG_FIN, 0);
                return;
            }
            unread = sendBuffer.queuedBytes();
        } finally {
            sendBuffer.lock.unlock();
        }
        throw peerStoppedReading(unread);
    }

    /**
     * Queues RST unless queued before, and wakes the stream's writer if it waits for room. The
     * RST carries the stream's ACK if that is still deferred. Never waits: when the session has
     * ended, or the peer left the control reserve unread, the RST is dropped, because such a peer
     * reads no more frames anyway.
     */
    void sendReset(YamuxStream stream) {
        sendBuffer.lock.lock();
        try {
            if (stream.rstQueued) {
                return;
            }
            stream.rstQueued = true;
            sendBuffer.wakeProducers();
            if (sendBuffer.hasRoomForControl()) {
                queueStreamControl(stream, FrameHeader.FLAG_RST, 0);
            } else {
                stream.ackDeferred = false;
                log.debug("yamux session {} dropped the RST of stream {}: the peer is not reading",
                        config.name(), Integer.toUnsignedString(stream.id()));
            }
        } catch (YamuxException e) {
            // The session ended, so the peer drops the stream anyway.
        } finally {
            sendBuffer.lock.unlock();
        }
    }

    /**
     * Wakes the stream's readers before the reader thread's next channel read, rather than once
     * per frame. A reader waiting for data then wakes once per channel read and finds all frames
     * of that read, which saves context switches. Called by the reader thread only.
     */
    void signalReadableLater(YamuxStream stream) {
        if (!stream.readableSignalQueued) {
            stream.readableSignalQueued = true;
            streamsToSignal.add(stream);
        }
    }

    /** Runs on the reader thread before each channel read. */
    private void signalQueuedStreams() {
        for (YamuxStream stream : streamsToSignal) {
            stream.readableSignalQueued = false;
            stream.signalReadable();
        }
        streamsToSignal.clear();
    }

    /** Drops the stream from the table; later frames for its id are ignored. */
    void removeStream(YamuxStream stream) {
        lock.lock();
        try {
            streams.remove(stream.id(), stream);
            awaitingPeerFin.remove(stream);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Notes a stream that this side closed in both directions before the peer's FIN arrived.
     * Beyond {@link #MAX_AWAITING_PEER_FIN} such streams the oldest is reset, so that a peer that
     * never sends FIN cannot fill the stream table. A peer that sends FIN late loses nothing,
     * because this side reads no more from the stream.
     */
    void awaitPeerFin(YamuxStream stream) {
        YamuxStream oldest = null;
        boolean warn = false;
        lock.lock();
        try {
            if (streams.get(stream.id()) != stream) {
                return;
            }
            awaitingPeerFin.add(stream);
            if (awaitingPeerFin.size() > MAX_AWAITING_PEER_FIN) {
                Iterator<YamuxStream> iterator = awaitingPeerFin.iterator();
                oldest = iterator.next();
                iterator.remove();
                warn = !warnedAboutMissingFin;
                warnedAboutMissingFin = true;
            }
        } finally {
            lock.unlock();
        }
        if (warn) {
            log.warn("yamux session {}: the peer has sent no FIN on {} streams that this side has "
                    + "closed, so from now on the oldest of them is reset. A peer must send FIN "
                    + "after its last data on each stream", config.name(), MAX_AWAITING_PEER_FIN);
        }
        if (oldest != null) {
            oldest.reset();
        }
    }

    /** Number of streams in the table; for tests. */
    int streamCount() {
        lock.lock();
        try {
            return streams.size();
        } finally {
            lock.unlock();
        }
    }

    private int windowExtension() {
        return config.maxReceiveWindow() - config.initialWindow();
    }

    // Deferred ACKs of peer-opened streams; see YamuxConfig.ackDelay().

    /**
     * Defers the ACK of a stream that the peer opened until the stream's first outgoing frame, or
     * until the deadline. Called by the reader thread before the application can see the stream.
     */
    private void deferAck(YamuxStream stream) {
        stream.bytesBeforeAck = 0;
        sendBuffer.lock.lock();
        try {
            stream.ackDeferred = true;
            stream.ackDeadline = System.nanoTime() + config.ackDelayNanos();
            deferredAcks.add(stream);
            sendBuffer.deferredFrameAdded();
        } finally {
            sendBuffer.lock.unlock();
        }
    }

    /**
     * Queues a window update with {@code flags} and {@code delta}. If the stream's ACK is still
     * deferred, the frame carries it: ACK joins the flags and, unless the frame is a RST, the
     * window extension joins the delta. Requires {@code sendBuffer.lock} and room for a control
     * frame.
     */
    private void queueStreamControl(YamuxStream stream, int flags, int delta) {
        if (stream.ackDeferred) {
            stream.ackDeferred = false;
            flags |= FrameHeader.FLAG_ACK;
            if ((flags & FrameHeader.FLAG_RST) == 0) {
                // At most 2 * maxReceiveWindow, which YamuxConfig keeps below 2^31.
                delta += windowExtension();
            }
        }
        frameWriter.windowUpdate(stream.id(), flags, delta);
    }

    /**
     * Sends the stream's ACK alone if it is still deferred. The reader thread calls this once
     * the peer has sent half of the initial window, so that the peer gets the extension before
     * it runs out of window.
     *
     * @throws YamuxException if the session ended, or ends now because the peer stopped reading
     */
    private void sendDeferredAck(YamuxStream stream) throws YamuxException {
        int unread;
        sendBuffer.lock.lock();
        try {
            if (!stream.ackDeferred) {
                return;
            }
            if (sendBuffer.hasRoomForControl()) {
                queueStreamControl(stream, 0, 0);
                return;
            }
            unread = sendBuffer.queuedBytes();
        } finally {
            sendBuffer.lock.unlock();
        }
        throw peerStoppedReading(unread);
    }

    /** Drops the stream's deferred ACK, because the peer reset the stream. */
    private void dropDeferredAck(YamuxStream stream) {
        sendBuffer.lock.lock();
        try {
            stream.ackDeferred = false;
        } finally {
            sendBuffer.lock.unlock();
        }
    }

    /**
     * Queues the deferred ACKs whose deadline has passed and returns the nanoseconds until the
     * next deadline, or {@link SendBuffer.DeferredFrames#NONE}. Called by the writer thread with
     * {@code sendBuffer.lock} held.
     */
    private long queueDueAcks() {
        YamuxStream stream;
        while ((stream = deferredAcks.peek()) != null) {
            if (!stream.ackDeferred) {
                deferredAcks.poll();
                continue;
            }
            long remaining = stream.ackDeadline - System.nanoTime();
            if (remaining > 0) {
                return remaining;
            }
            try {
                if (!sendBuffer.hasRoomForControl()) {
                    // The ring contains a full control reserve, so the writer thread is busy and
                    // retries after its next channel write.
                    return SendBuffer.DeferredFrames.NONE;
                }
            } catch (YamuxException e) {
                // The session is ending, so the peer drops the stream anyway.
                deferredAcks.clear();
                return SendBuffer.DeferredFrames.NONE;
            }
            deferredAcks.poll();
            queueStreamControl(stream, 0, 0);
        }
        return SendBuffer.DeferredFrames.NONE;
    }

    /**
     * Queues a control frame without waiting.
     *
     * @throws YamuxException if the session ended, or ends now because the peer stopped reading
     */
    private void sendControl(int type, int flags, int streamId, int value)
            throws YamuxException {
        int unread;
        sendBuffer.lock.lock();
        try {
            if (sendBuffer.hasRoomForControl()) {
                switch (type) {
                    case FrameHeader.TYPE_WINDOW_UPDATE ->
                            frameWriter.windowUpdate(streamId, flags, value);
                    case FrameHeader.TYPE_PING -> frameWriter.ping(flags, value);
                    case FrameHeader.TYPE_GO_AWAY -> frameWriter.goAway(value);
                    default -> throw new IllegalArgumentException(
                            "not a control frame type: " + type);
                }
                return;
            }
            unread = sendBuffer.queuedBytes();
        } finally {
            sendBuffer.lock.unlock();
        }
        throw peerStoppedReading(unread);
    }

    /**
     * Ends the session because a control frame found the control reserve full, and returns the
     * failure to raise. Requires that the caller holds no lock.
     */
    private YamuxException peerStoppedReading(int unreadBytes) {
        YamuxException failure = protocolError("the peer stopped reading its socket: it left "
                + unreadBytes + " bytes of frames unread, among them the "
                + SendBuffer.CONTROL_RESERVE + " bytes reserved for control frames");
        terminate(failure, true, NO_GO_AWAY);
        return failure;
    }

    // Session end.

    /**
     * Ends the session once; later calls return at once. Fails open streams with {@code cause},
     * queues GoAway unless {@code goAwayCode} is {@link #NO_GO_AWAY}, lets the writer flush for
     * up to {@link #FLUSH_TIMEOUT_MILLIS}, shuts down and closes the channel, waits for the other
     * session threads and completes {@link #closeFuture}.
     */
    private void terminate(YamuxException cause, boolean error, int goAwayCode) {
        if (!terminating.compareAndSet(false, true)) {
            return;
        }
        terminationStarted.countDown();
        if (error) {
            log.warn("yamux session {} failed: {}", config.name(), cause.getMessage());
        } else {
            log.debug("yamux session {} ended: {}", config.name(), cause.getMessage());
        }

        Set<YamuxStream> open = new LinkedHashSet<>();
        lock.lock();
        try {
            endCause = cause;
            endedWithError = error;
            open.addAll(streams.values());
            open.addAll(acceptQueue);
            streams.clear();
            awaitingPeerFin.clear();
            acceptQueue.clear();
            acceptable.signalAll();
        } finally {
            lock.unlock();
        }
        for (YamuxStream stream : open) {
            stream.sessionEnded(cause);
        }

        if (goAwayCode != NO_GO_AWAY) {
            try {
                sendControl(FrameHeader.TYPE_GO_AWAY, 0, 0, goAwayCode);
            } catch (YamuxException e) {
                // The writer thread failed first; the channel is unusable.
            }
        }
        sendBuffer.shutdown(cause);
        if (inline) {
            flushInline();
        }
        Thread current = Thread.currentThread();
        if (current != writerThread) {
            joinQuietly(writerThread, FLUSH_TIMEOUT_MILLIS);
        }
        if (current != writerThread && writerThread.isAlive()) {
            // The peer reads nothing, so lingering for its end is useless.
            shutdownSocket();
        } else if (current != readerThread) {
            lingerUntilPeerCloses();
        }
        shutdownSocket();
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing the channel of yamux session {} failed", config.name(), e);
        }
        if (current != writerThread) {
            joinQuietly(writerThread, JOIN_TIMEOUT_MILLIS);
        }
        if (current != readerThread) {
            joinQuietly(readerThread, JOIN_TIMEOUT_MILLIS);
        }

        if (error) {
            closeFuture.completeExceptionally(cause);
        } else {
            closeFuture.complete(null);
        }
    }

    /**
     * Shuts down the output of a socket channel and gives the reader thread up to
     * {@link #FLUSH_TIMEOUT_MILLIS} to discard incoming bytes until the peer closes its end.
     * Closing a Unix socket with unread bytes makes the peer's reads fail with ECONNRESET, and the
     * peer's later writes with EPIPE, where it should see end of stream.
     */
    private void lingerUntilPeerCloses() {
        if (!(channel instanceof SocketChannel socketChannel) || !readerThread.isAlive()) {
            return;
        }
        try {
            socketChannel.shutdownOutput();
        } catch (IOException e) {
            log.debug("shutting down the output of yamux session {} failed", config.name(), e);
            return;
        }
        joinQuietly(readerThread, FLUSH_TIMEOUT_MILLIS);
    }

    /**
     * Shuts down the input and then the output of a socket channel, which wakes the session's
     * threads if they are blocked in a read or a write of it. The input goes first because of
     * junixsocket 2.10.1: a write that fails, as a write blocked on a peer that reads nothing
     * does once the output is shut down, closes the channel, and after that neither a shutdown
     * nor a close reaches a read blocked in the reader thread. That read would then last until
     * the peer sends or closes, which a stuck peer never does.
     */
    private void shutdownSocket() {
        if (!(channel instanceof SocketChannel socketChannel)) {
            return;
        }
        try {
            socketChannel.shutdownInput();
        } catch (IOException e) {
            log.debug("shutting down the input of yamux session {} failed", config.name(), e);
        }
        try {
            socketChannel.shutdownOutput();
        } catch (IOException e) {
            log.debug("shutting down the output of yamux session {} failed", config.name(), e);
        }
    }

    private void joinQuietly(Thread thread, long timeoutMillis) {
        if (thread == Thread.currentThread()) {
            return;
        }
        try {
            thread.join(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (thread.isAlive() && timeoutMillis >= JOIN_TIMEOUT_MILLIS) {
            log.warn("thread {} of yamux session {} did not end within {} ms",
                    thread.getName(), config.name(), timeoutMillis);
        }
    }

    private void writeLoop() {
        try {
            sendBuffer.drainTo(channel, this::queueDueAcks, config.ackDelayNanos());
        } catch (IOException e) {
            // A peer that closes the connection makes writes fail with a broken pipe, often before
            // the reader reaches the end of stream. Give the reader the chance to end the session
            // normally before reporting the write failure.
            try {
                terminationStarted.await(FLUSH_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            terminateAfterIoFailure("write to", e);
        } catch (RuntimeException | Error e) {
            log.error("writer thread of yamux session {} failed", config.name(), e);
            terminate(new YamuxException(YamuxException.Kind.SESSION_CLOSED,
                    "session closed: internal error in the writer thread: " + e, e),
                    true, NO_GO_AWAY);
        }
    }

    /**
     * Ends the session after a channel read or write failed. The end is normal if the peer sent
     * GoAway before: a peer that closes its socket with our last frames unread makes our reads
     * fail with a connection reset and our writes with a broken pipe.
     */
    private void terminateAfterIoFailure(String operation, IOException e) {
        boolean peerWentAway;
        lock.lock();
        try {
            peerWentAway = remoteGoAway;
        } finally {
            lock.unlock();
        }
        if (peerWentAway) {
            terminate(new YamuxException(YamuxException.Kind.SESSION_CLOSED,
                    "session closed: peer closed the connection"), false, NO_GO_AWAY);
        } else {
            terminate(new YamuxException(YamuxException.Kind.SESSION_CLOSED,
                    "session closed: failed to " + operation + " the connection: " + e, e),
                    true, NO_GO_AWAY);
        }
    }

    // Reader thread.

    private void readLoop() {
        FrameReader.Handler handler = new ReaderHandler();
        try {
            readFrames(handler);
        } finally {
            signalQueuedStreams();
        }
        if (channel.isOpen()) {
            // Another thread is ending the session; see lingerUntilPeerCloses().
            try {
                frameReader.discardToEndOfStream();
            } catch (IOException e) {
                // The channel was closed after the linger time, or the peer reset it.
            }
        }
    }

    private void readFrames(FrameReader.Handler handler) {
        try {
            while (!terminating.get()) {
                if (!frameReader.nextFrame(handler)) {
                    terminate(new YamuxException(YamuxException.Kind.SESSION_CLOSED,
                            "session closed: peer closed the connection"), false, NO_GO_AWAY);
                    return;
                }
            }
        } catch (YamuxException e) {
            boolean protocolError = e.kind() == YamuxException.Kind.PROTOCOL_ERROR;
            terminate(e, true,
                    protocolError ? FrameHeader.GO_AWAY_PROTOCOL_ERROR : NO_GO_AWAY);
        } catch (IOException e) {
            terminateAfterIoFailure("read from", e);
        } catch (RuntimeException | Error e) {
            log.error("reader thread of yamux session {} failed", config.name(), e);
            terminate(new YamuxException(YamuxException.Kind.SESSION_CLOSED,
                    "session closed: internal error in the reader thread: " + e, e),
                    true, FrameHeader.GO_AWAY_INTERNAL_ERROR);
        }
    }

    private static YamuxException protocolError(String message) {
        return new YamuxException(YamuxException.Kind.PROTOCOL_ERROR, message);
    }

    private boolean isLocalId(int id) {
        return ((id & 1) == 1) == client;
    }

    /** Returns whether a stream with this id was opened at some point. Requires {@link #lock}. */
    private boolean wasOpened(int id) {
        long unsignedId = Integer.toUnsignedLong(id);
        if (isLocalId(id)) {
            return unsignedId < nextLocalId;
        }
        return unsignedId <= highestPeerId && !skippedPeerIds.contains(id);
    }

    /**
     * Returns the stream a data or window update frame addresses, or null if the frame is for a
     * stream that was closed or rejected and must be ignored. Go's yamux sends such frames for
     * streams it has just closed.
     *
     * @throws YamuxException of kind PROTOCOL_ERROR for stream 0, an id that was never opened, or
     *     a SYN that reuses an id or has the wrong parity
     */
    private YamuxStream streamFor(FrameHeader header) throws IOException {
        int id = header.streamId();
        if (id == 0) {
            throw protocolError(FrameHeader.typeName(header.type())
                    + " frame on stream 0, which is reserved for the session");
        }
        if (header.hasFlag(FrameHeader.FLAG_SYN)) {
            return acceptIncoming(id);
        }
        lock.lock();
        try {
            YamuxStream stream = streams.get(id);
            if (stream != null || wasOpened(id)) {
                return stream;
            }
        } finally {
            lock.unlock();
        }
        throw protocolError(FrameHeader.typeName(header.type()) + " frame for stream "
                + Integer.toUnsignedString(id) + ", which was never opened");
    }

    /**
     * Registers a peer-opened stream and defers its ACK (or queues it at once when the ACK delay
     * is 0), or queues RST if this side sent GoAway, the session is ending or the accept backlog
     * is full. Returns null in the RST case.
     */
    private YamuxStream acceptIncoming(int id) throws IOException {
        long unsignedId = Integer.toUnsignedLong(id);
        YamuxStream stream = null;
        lock.lock();
        try {
            if (isLocalId(id)) {
                throw protocolError("SYN on stream " + unsignedId + ", but the peer opens only "
                        + (client ? "even" : "odd") + " stream ids");
            }
            if (unsignedId <= highestPeerId) {
                if (!skippedPeerIds.remove(id)) {
                    throw protocolError("SYN reuses stream id " + unsignedId);
                }
            } else {
                long skipped = (unsignedId - highestPeerId) / 2 - 1;
                if (skipped + skippedPeerIds.size() > MAX_SKIPPED_PEER_IDS) {
                    throw protocolError("SYN on stream " + unsignedId + " skips " + skipped
                            + " unopened stream ids");
                }
                for (long skippedId = highestPeerId + 2; skippedId < unsignedId; skippedId += 2) {
                    skippedPeerIds.add((int) skippedId);
                }
                highestPeerId = unsignedId;
            }
            if (endCause == null && !localGoAway
                    && acceptQueue.size() < config.acceptBacklog()) {
                stream = new YamuxStream(this, id, config);
                streams.put(id, stream);
            }
        } finally {
            lock.unlock();
        }

        if (stream == null) {
            log.debug("yamux session {} rejected stream {} with RST", config.name(), unsignedId);
            sendControl(FrameHeader.TYPE_WINDOW_UPDATE, FrameHeader.FLAG_RST, id, 0);
            return null;
        }
        if (config.ackDelayNanos() > 0) {
            deferAck(stream);
        } else {
            sendControl(FrameHeader.TYPE_WINDOW_UPDATE, FrameHeader.FLAG_ACK, id,
                    windowExtension());
        }
        lock.lock();
        try {
            if (endCause == null) {
                acceptQueue.add(stream);
                // One stream needs one accepting thread; waking all of them would wake the rest
                // for nothing.
                acceptable.signal();
            }
        } finally {
            lock.unlock();
        }
        return stream;
    }

    private void applyFinAndReset(YamuxStream stream, FrameHeader header) {
        if (header.hasFlag(FrameHeader.FLAG_FIN)) {
            stream.receiveFin();
        }
        if (header.hasFlag(FrameHeader.FLAG_RST)) {
            stream.receiveReset();
            dropDeferredAck(stream);
        }
    }

    /**
     * Counts payload bytes of a stream whose ACK may be deferred, and sends the ACK once the peer
     * has sent half of the initial window. Called by the reader thread only.
     */
    private void countBytesBeforeAck(YamuxStream stream, long length) throws YamuxException {
        if (stream.bytesBeforeAck < 0) {
            return;
        }
        stream.bytesBeforeAck += length;
        if (stream.bytesBeforeAck >= config.initialWindow() / 2) {
            stream.bytesBeforeAck = -1;
            sendDeferredAck(stream);
        }
    }

    /** Dispatches frames decoded by the reader thread. */
    private final class ReaderHandler implements FrameReader.Handler {
        @Override
        public void data(FrameHeader header) throws IOException {
            YamuxStream stream = streamFor(header);
            long length = header.unsignedLength();
            if (stream == null) {
                // No window this side ever granted could hold a bigger frame.
                if (length > config.maxReceiveWindow()) {
                    throw protocolError("data frame of " + length + " bytes exceeds receive window "
                            + config.maxReceiveWindow() + " on closed stream "
                            + Integer.toUnsignedString(header.streamId()));
                }
                return;
            }
            if (length > 0) {
                stream.receiveData(frameReader, length);
                countBytesBeforeAck(stream, length);
            }
            applyFinAndReset(stream, header);
        }

        @Override
        public void windowUpdate(FrameHeader header) throws IOException {
            YamuxStream stream = streamFor(header);
            if (stream == null) {
                return;
            }
            long delta = header.unsignedLength();
            if (delta > 0) {
                stream.receiveWindowUpdate(delta);
            }
            applyFinAndReset(stream, header);
        }

        @Override
        public void ping(FrameHeader header) throws IOException {
            // This side sends no pings, so a reply (ACK) needs no handling.
            if (header.hasFlag(FrameHeader.FLAG_SYN)) {
                sendControl(FrameHeader.TYPE_PING, FrameHeader.FLAG_ACK, 0, header.length());
            }
        }

        @Override
        public void goAway(FrameHeader header) {
            int code = header.length();
            if (code == FrameHeader.GO_AWAY_NORMAL) {
                log.debug("yamux session {} received GoAway", config.name());
                lock.lock();
                try {
                    remoteGoAway = true;
                    acceptable.signalAll();
                } finally {
                    lock.unlock();
                }
                return;
            }
            String reason = switch (code) {
                case FrameHeader.GO_AWAY_PROTOCOL_ERROR -> "protocol error";
                case FrameHeader.GO_AWAY_INTERNAL_ERROR -> "internal error";
                default -> "unknown code";
            };
            YamuxException.Kind kind = code == FrameHeader.GO_AWAY_PROTOCOL_ERROR
                    ? YamuxException.Kind.PROTOCOL_ERROR
                    : YamuxException.Kind.SESSION_CLOSED;
            terminate(new YamuxException(kind, "peer ended the session with GoAway code "
                    + Integer.toUnsignedString(code) + " (" + reason + ")"), true, NO_GO_AWAY);
        }
    }
}

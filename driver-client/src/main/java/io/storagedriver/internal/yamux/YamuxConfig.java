package io.storagedriver.internal.yamux;

import java.time.Duration;
import java.util.Objects;

/**
 * Immutable settings of one yamux session. Start from {@link #defaults()} and change values
 * with the {@code with} methods, which return a new instance.
 */
public final class YamuxConfig {
    /** Initial window of every stream in each direction, fixed by the yamux specification. */
    static final int INITIAL_WINDOW = 256 * 1024;

    /**
     * Upper bound of {@link #maxReceiveWindow()}. Each stream may buffer this many bytes, and
     * window arithmetic stays far from int overflow.
     */
    static final int MAX_RECEIVE_WINDOW_LIMIT = 1 << 30;

    /** Upper bound of {@link #maxDataFrame()}; the session's send buffer fits two such frames. */
    static final int MAX_DATA_FRAME_LIMIT = 16 * 1024 * 1024;

    /** Default of {@link #acceptBacklog()}, as in HashiCorp's yamux (mux.go, AcceptBacklog). */
    static final int DEFAULT_ACCEPT_BACKLOG = 256;

    /** Default of {@link #ackDelay()}. */
    static final Duration DEFAULT_ACK_DELAY = Duration.ofMillis(10);

    /**
     * Upper bound of {@link #ackDelay()}. HashiCorp's yamux (mux.go, StreamOpenTimeout) closes
     * the session when a stream it opened waits 75 seconds for its ACK by default.
     */
    static final Duration MAX_ACK_DELAY = Duration.ofSeconds(10);

    private static final YamuxConfig DEFAULTS = new YamuxConfig(1024 * 1024, 64 * 1024,
            DEFAULT_ACCEPT_BACKLOG, DEFAULT_ACK_DELAY.toNanos(), "yamux");

    private final int maxReceiveWindow;
    private final int maxDataFrame;
    private final int acceptBacklog;
    private final long ackDelayNanos;
    private final String name;

    private YamuxConfig(int maxReceiveWindow, int maxDataFrame, int acceptBacklog,
            long ackDelayNanos, String name) {
        this.maxReceiveWindow = maxReceiveWindow;
        this.maxDataFrame = maxDataFrame;
        this.acceptBacklog = acceptBacklog;
        this.ackDelayNanos = ackDelayNanos;
        this.name = name;
    }

    /**
     * Returns a 1 MiB receive window, 64 KiB data frames, an accept backlog of 256 streams, an
     * ACK delay of 10 ms and the name "yamux".
     */
    public static YamuxConfig defaults() {
        return DEFAULTS;
    }

    /** Initial window of every stream in bytes: 256 KiB, as the yamux specification fixes. */
    public int initialWindow() {
        return INITIAL_WINDOW;
    }

    /**
     * Receive window in bytes that this side advertises for each stream, and so the maximum
     * number of bytes one stream buffers before its reader consumes them.
     */
    public int maxReceiveWindow() {
        return maxReceiveWindow;
    }

    /**
     * Maximum payload in bytes of a data frame that this side sends. Incoming data frames may be
     * larger, up to the receive window.
     */
    public int maxDataFrame() {
        return maxDataFrame;
    }

    /**
     * Maximum number of streams opened by the peer that wait for {@code acceptStream()}. The
     * session resets streams beyond it, and every stream the peer opens when it is 0.
     */
    public int acceptBacklog() {
        return acceptBacklog;
    }

    /**
     * Maximum time that the ACK of a stream opened by the peer waits for the stream's first
     * outgoing frame, measured from the arrival of its SYN. The ACK normally goes out together
     * with that frame, in the same channel write. It goes out alone once this time has passed.
     * It also goes out alone once the peer has sent half of the initial window on the stream,
     * because the peer cannot send more than that window before the ACK grants more. Zero
     * sends every ACK as soon as the SYN arrives.
     */
    public Duration ackDelay() {
        return Duration.ofNanos(ackDelayNanos);
    }

    long ackDelayNanos() {
        return ackDelayNanos;
    }

    /** Session name used in thread names and frame logs, such as "filesystem". */
    public String name() {
        return name;
    }

    /**
     * Returns a copy with the given receive window in bytes.
     *
     * @throws IllegalArgumentException unless 256 KiB <= {@code bytes} <= 1 GiB
     */
    public YamuxConfig withMaxReceiveWindow(int bytes) {
        if (bytes < INITIAL_WINDOW || bytes > MAX_RECEIVE_WINDOW_LIMIT) {
            throw new IllegalArgumentException("maxReceiveWindow must be between "
                    + INITIAL_WINDOW + " and " + MAX_RECEIVE_WINDOW_LIMIT + " bytes: " + bytes);
        }
        return new YamuxConfig(bytes, maxDataFrame, acceptBacklog, ackDelayNanos, name);
    }

    /**
     * Returns a copy with the given maximum outgoing data frame payload in bytes.
     *
     * @throws IllegalArgumentException unless 1 <= {@code bytes} <= 16 MiB
     */
    public YamuxConfig withMaxDataFrame(int bytes) {
        if (bytes < 1 || bytes > MAX_DATA_FRAME_LIMIT) {
            throw new IllegalArgumentException("maxDataFrame must be between 1 and "
                    + MAX_DATA_FRAME_LIMIT + " bytes: " + bytes);
        }
        return new YamuxConfig(maxReceiveWindow, bytes, acceptBacklog, ackDelayNanos, name);
    }

    /**
     * Returns a copy with the given accept backlog. A host that never accepts streams sets 0, so
     * that the streams a peer opens cannot hold a receive window's worth of memory each.
     *
     * @throws IllegalArgumentException if {@code streams} is negative
     */
    public YamuxConfig withAcceptBacklog(int streams) {
        if (streams < 0) {
            throw new IllegalArgumentException("acceptBacklog must not be negative: " + streams);
        }
        return new YamuxConfig(maxReceiveWindow, maxDataFrame, streams, ackDelayNanos, name);
    }

    /**
     * Returns a copy with the given {@link #ackDelay()}.
     *
     * @throws IllegalArgumentException unless 0 <= {@code delay} <= 10 seconds
     */
    public YamuxConfig withAckDelay(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative() || delay.compareTo(MAX_ACK_DELAY) > 0) {
            throw new IllegalArgumentException("ackDelay must be between 0 and "
                    + MAX_ACK_DELAY.toSeconds() + " seconds: " + delay);
        }
        return new YamuxConfig(maxReceiveWindow, maxDataFrame, acceptBacklog, delay.toNanos(),
                name);
    }

    /**
     * Returns a copy with the given session name.
     *
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public YamuxConfig withName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        return new YamuxConfig(maxReceiveWindow, maxDataFrame, acceptBacklog, ackDelayNanos,
                name);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof YamuxConfig that
                && maxReceiveWindow == that.maxReceiveWindow
                && maxDataFrame == that.maxDataFrame
                && acceptBacklog == that.acceptBacklog
                && ackDelayNanos == that.ackDelayNanos
                && name.equals(that.name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxReceiveWindow, maxDataFrame, acceptBacklog, ackDelayNanos, name);
    }

    @Override
    public String toString() {
        return "YamuxConfig[name=" + name + ", maxReceiveWindow=" + maxReceiveWindow
                + ", maxDataFrame=" + maxDataFrame + ", acceptBacklog=" + acceptBacklog
                + ", ackDelay=" + ackDelay() + "]";
    }
}

package io.storagedriver.internal.yamux;

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

    private static final YamuxConfig DEFAULTS = new YamuxConfig(1024 * 1024, 64 * 1024, "yamux");

    private final int maxReceiveWindow;
    private final int maxDataFrame;
    private final String name;

    private YamuxConfig(int maxReceiveWindow, int maxDataFrame, String name) {
        this.maxReceiveWindow = maxReceiveWindow;
        this.maxDataFrame = maxDataFrame;
        this.name = name;
    }

    /** Returns a 1 MiB receive window, 64 KiB data frames and the name "yamux". */
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
        return new YamuxConfig(bytes, maxDataFrame, name);
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
        return new YamuxConfig(maxReceiveWindow, bytes, name);
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
        return new YamuxConfig(maxReceiveWindow, maxDataFrame, name);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof YamuxConfig that
                && maxReceiveWindow == that.maxReceiveWindow
                && maxDataFrame == that.maxDataFrame
                && name.equals(that.name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxReceiveWindow, maxDataFrame, name);
    }

    @Override
    public String toString() {
        return "YamuxConfig[name=" + name + ", maxReceiveWindow=" + maxReceiveWindow
                + ", maxDataFrame=" + maxDataFrame + "]";
    }
}

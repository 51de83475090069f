package io.storagedriver.internal.yamux;

import java.nio.ByteBuffer;

/**
 * Header of one yamux frame: 12 bytes in network byte order, laid out as version (8 bits), type
 * (8 bits), flags (16 bits), stream id (32 bits) and length (32 bits). Only data frames carry a
 * payload. For the other types {@code length} is the window delta (window update), the opaque
 * value (ping) or the error code (GoAway).
 *
 * <p>{@code streamId} and {@code length} are unsigned 32-bit fields stored as their raw bits.
 * Use {@link #unsignedLength()} for arithmetic.
 */
record FrameHeader(int version, int type, int flags, int streamId, int length) {
    static final int SIZE = 12;
    static final int VERSION = 0;

    static final int TYPE_DATA = 0;
    static final int TYPE_WINDOW_UPDATE = 1;
    static final int TYPE_PING = 2;
    static final int TYPE_GO_AWAY = 3;

    static final int FLAG_SYN = 0x1;
    static final int FLAG_ACK = 0x2;
    static final int FLAG_FIN = 0x4;
    static final int FLAG_RST = 0x8;

    static final int GO_AWAY_NORMAL = 0;
    static final int GO_AWAY_PROTOCOL_ERROR = 1;
    static final int GO_AWAY_INTERNAL_ERROR = 2;

    private static final String[] TYPE_NAMES = {"Data", "WindowUpdate", "Ping", "GoAway"};

    FrameHeader {
        if (version < 0 || version > 0xff) {
            throw new IllegalArgumentException("version must fit in 8 bits: " + version);
        }
        if (type < 0 || type > 0xff) {
            throw new IllegalArgumentException("type must fit in 8 bits: " + type);
        }
        if (flags < 0 || flags > 0xffff) {
            throw new IllegalArgumentException("flags must fit in 16 bits: " + flags);
        }
    }

    /** Returns a version-0 header. */
    static FrameHeader of(int type, int flags, int streamId, int length) {
        return new FrameHeader(VERSION, type, flags, streamId, length);
    }

    /** Writes the 12 header bytes at the buffer's position and advances it. */
    void encode(ByteBuffer dst) {
        encode(dst, version, type, flags, streamId, length);
    }

    /** Writes 12 header bytes at the buffer's position and advances it. */
    static void encode(ByteBuffer dst, int version, int type, int flags, int streamId, int length) {
        dst.put((byte) version);
        dst.put((byte) type);
        dst.putShort((short) flags);
        dst.putInt(streamId);
        dst.putInt(length);
    }

    /**
     * Reads 12 header bytes from the buffer's position and advances it. The buffer must be big
     * endian (the default) and contain at least {@link #SIZE} bytes.
     *
     * @throws YamuxException of kind PROTOCOL_ERROR if the version is not 0 or the type is not
     *     one of the four defined types
     */
    static FrameHeader decode(ByteBuffer src) throws YamuxException {
        int version = src.get() & 0xff;
        int type = src.get() & 0xff;
        int flags = src.getShort() & 0xffff;
        int streamId = src.getInt();
        int length = src.getInt();
        if (version != VERSION) {
            throw new YamuxException(YamuxException.Kind.PROTOCOL_ERROR,
                    "unsupported yamux version " + version + " in frame header, expected "
                            + VERSION);
        }
        if (type > TYPE_GO_AWAY) {
            throw new YamuxException(YamuxException.Kind.PROTOCOL_ERROR,
                    "unknown frame type " + type + " on stream "
                            + Integer.toUnsignedString(streamId));
        }
        return new FrameHeader(version, type, flags, streamId, length);
    }

    long unsignedLength() {
        return Integer.toUnsignedLong(length);
    }

    boolean hasFlag(int flag) {
        return (flags & flag) != 0;
    }

    /**
     * Formats the header as one fixed-width log line, for example
     * {@code "filesystem >> stream=1          length=65536      Data         SYN|FIN"}.
     *
     * @param direction {@code ">>"} for outgoing frames, {@code "<<"} for incoming ones
     */
    String describe(String sessionName, String direction) {
        return describe(sessionName, direction, type, flags, streamId, length);
    }

    static String describe(
            String sessionName, String direction, int type, int flags, int streamId, int length) {
        return String.format("%s %s stream=%-10s length=%-10s %-12s %s",
                sessionName,
                direction,
                Integer.toUnsignedString(streamId),
                Integer.toUnsignedString(length),
                typeName(type),
                flagNames(flags));
    }

    static String typeName(int type) {
        return type >= 0 && type < TYPE_NAMES.length ? TYPE_NAMES[type] : "Type" + type;
    }

    /** Returns the set flags joined by "|", such as "SYN|ACK", or "-" when none is set. */
    static String flagNames(int flags) {
        if (flags == 0) {
            return "-";
        }
        StringBuilder names = new StringBuilder();
        appendFlag(names, flags, FLAG_SYN, "SYN");
        appendFlag(names, flags, FLAG_ACK, "ACK");
        appendFlag(names, flags, FLAG_FIN, "FIN");
        appendFlag(names, flags, FLAG_RST, "RST");
        int unknown = flags & ~(FLAG_SYN | FLAG_ACK | FLAG_FIN | FLAG_RST);
        if (unknown != 0) {
            if (names.length() > 0) {
                names.append('|');
            }
            names.append("0x").append(Integer.toHexString(unknown));
        }
        return names.toString();
    }

    private static void appendFlag(StringBuilder names, int flags, int flag, String name) {
        if ((flags & flag) != 0) {
            if (names.length() > 0) {
                names.append('|');
            }
            names.append(name);
        }
    }

    @Override
    public String toString() {
        return describe("FrameHeader", "", type, flags, streamId, length).trim();
    }
}
